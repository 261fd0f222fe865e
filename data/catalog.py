"""Reference data of the product document: the online services of the Add pool list, each
with its one unit, and the values a reseller pool's Source and Payment type take."""
from __future__ import annotations

# (name, unit, description shown under the name on its card)
SERVICES = (
    ("Cloud Backup for Microsoft 365", "user seats", ""),
    ("Cloud Backup for Microsoft 365 - Power Platform", "user seats", ""),
    ("Cloud Management", "user seats", ""),
    ("Cloud Archiving", "capacity", ""),
    ("Cloud Governance", "user seats", ""),
    ("Insights", "user seats", ""),
    ("Policies for Microsoft 365", "user seats", ""),
    ("Cense", "user seats", ""),
    ("Cloud Backup for Google Workspace", "user seats", ""),
    ("Cloud Backup for Dynamics 365", "user seats", ""),
    ("Cloud Backup for Salesforce®", "objects", ""),
    ("Cloud Backup for IaaS + PaaS", "objects",
     "Microsoft Entra ID, Azure AD B2C, Admin Portal, Azure Storage, Azure Virtual Machine, "
     "Google Virtual Machine Instance, and Amazon EC2"),
    ("EnPower", "user seats", ""),
    ("tyGraph", "user seats", ""),
    ("Opus", "user seats", ""),
)
SERVICE_NAMES = tuple(name for name, _unit, _about in SERVICES)
SERVICE_UNITS = {name: unit for name, unit, _about in SERVICES}
SOURCES = ("Purchased", "Trial", "Not for resale")
PAYMENT_TYPES = ("Prepaid", "Pay as you go", "Free")
