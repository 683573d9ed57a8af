"""The Celery application: JSON only, settings from Django's CELERY_* settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sipportal.settings")

app = Celery("sipportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The app of every thread: jobs/ and shared tasks reach it as `celery.current_app`, without
# importing the configuration package.
app.set_default()
