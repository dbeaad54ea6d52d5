"""The Celery app, wired the standard way: settings from Django's CELERY_* names."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aspire.settings")

app = Celery("aspire")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
