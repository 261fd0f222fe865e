"""The Celery worker for background jobs (Batch invite) when REDIS_URL is set:

    REDIS_URL=redis://127.0.0.1:6379/0 celery -A worker:celery_app worker --concurrency=2

It builds the app exactly as a serving process does (same environment: DATABASE_URL,
SECRET_KEY, REDIS_URL, INSTANCE_PATH), which registers the background callbacks as tasks.
"""
from app import create_app

dash_app = create_app()
celery_app = dash_app.server.extensions["jobs"].celery_app()
