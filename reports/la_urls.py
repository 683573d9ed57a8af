"""The LA's reports page: overdue reports and a term's reports as one ZIP, under /la/<la_code>/reports/."""

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.la_reports, name="la"),
    path("archives/<int:archive_id>/", views.archive_detail, name="archive"),
    path("archives/<int:archive_id>/download/", views.archive_download, name="archive-download"),
]
