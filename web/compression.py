"""Brotli or gzip for every text response (and the icon). The signed-in page loads about 3.5 MB of
JavaScript: compressed once per process and kept, because those files never change for a
given version of the app (Dash puts the version in their URLs)."""
from __future__ import annotations

import gzip
import re
import threading

import brotli
from dash.fingerprint import check_fingerprint
from flask import Flask, request
from flask_compress import Compress

from web.security import is_code

COMPRESSED_TYPES = ["text/html", "text/css", "text/plain", "text/csv", "text/xml", "text/javascript",
              "application/javascript", "application/json", "image/svg+xml", "image/x-icon"]
STATIC_CACHE_LIMIT = 64 * 1024 * 1024  # compressed bytes kept per process
REFUSED = re.compile(r";\s*q\s*=\s*0(?:\.0*)?\s*$")


class StaticCompressionCache:
    """Keeps compressed code and styles only; any other response is compressed every time
    (it carries one LAR's data and is never shared)."""

    def __init__(self):
        self._data: dict[str, bytes] = {}
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        return self._data.get(key) if key.endswith("|static") else None

    def set(self, key: str, value: bytes) -> None:
        if not key.endswith("|static") or key in self._data:
            return
        with self._lock:
            if self._size + len(value) > STATIC_CACHE_LIMIT:
                return
            self._data[key] = value
            self._size += len(value)
        # Kept for the life of the process: worth the highest levels (brotli 11 is about a fifth
        # smaller than flask-compress's level 4). Done aside, so no request waits for it.
        threading.Thread(target=self._recompress, args=(key, value), daemon=True).start()

    def _recompress(self, key: str, value: bytes) -> None:
        if key.startswith("br;"):
            smaller = brotli.compress(brotli.decompress(value), quality=11)
        elif key.startswith("gzip;"):
            smaller = gzip.compress(gzip.decompress(value), compresslevel=9)
        else:
            return
        with self._lock:
            self._size += len(smaller) - len(self._data[key])
            self._data[key] = smaller


def _cache_key(req) -> str:
    """One entry per file, not per address: Dash answers any version in a script's name and any
    query with the same file, and an entry per made-up address would let anyone fill the cache
    and keep the cores busy recompressing."""
    if not is_code(req.path):
        return ""
    return f"{check_fingerprint(req.path)[0]}|static"


def _drop_refused_encodings() -> None:
    """Flask-Compress picks an encoding the client marked "q=0" (not acceptable) when it lists
    nothing better; such entries are removed before it reads the header."""
    header = request.environ.get("HTTP_ACCEPT_ENCODING", "")
    if "q=" in header:
        request.environ["HTTP_ACCEPT_ENCODING"] = ",".join(
            part for part in header.split(",") if not REFUSED.search(part))


def init_compression(server: Flask) -> None:
    server.config.update(
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_MIMETYPES=COMPRESSED_TYPES,
        COMPRESS_CACHE_BACKEND=StaticCompressionCache,
        COMPRESS_CACHE_KEY=_cache_key,
    )
    server.before_request(_drop_refused_encodings)
    server.extensions["compress"] = Compress(server)
