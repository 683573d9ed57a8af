"""SSAT's versions of Gaining Ground schools' reports, under /national/<body>/reports/."""

from django.contrib.auth.decorators import login_required
from django.urls import path

from . import national_views

urlpatterns = [
    path("", login_required(national_views.ssat_reports), name="reports"),
    path("<int:document_id>/pdf/", login_required(national_views.ssat_download), name="report-download"),
]
