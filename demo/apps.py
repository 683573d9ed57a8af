from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data (`manage.py seed_demo`): it builds on every app, so it sits at the top."""

    name = "demo"
    verbose_name = "Demo data"
