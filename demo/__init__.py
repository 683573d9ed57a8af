"""The demo data command, `manage.py seed_demo`, which builds on every app."""
