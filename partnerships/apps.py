from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = "Partnerships and Form 2"

    def ready(self):
        from . import signals  # noqa: F401  (carries this year's work over when a school converts)
