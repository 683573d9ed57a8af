from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "SIP reports"

    def ready(self):
        from . import selectors  # noqa: F401  (adds each school's latest report to the caseload)
