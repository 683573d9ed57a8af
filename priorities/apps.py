from django.apps import AppConfig


class PrioritiesConfig(AppConfig):
    name = "priorities"
    verbose_name = "Form 1 and improvement plans"

    def ready(self):
        from . import signals  # noqa: F401  (carries this year's work over when a school converts)
