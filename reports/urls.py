"""A school's SIP reports, under /la/<la_code>/schools/<urn>/reports/."""

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.report_new, name="new"),
    path("<int:report_id>/", views.report_detail, name="detail"),
    path("<int:report_id>/edit/", views.report_edit, name="edit"),
    path("<int:report_id>/comment/", views.report_comment, name="comment"),
    path("<int:report_id>/steps/<slug:step>/", views.report_step, name="step"),
    path("<int:report_id>/new-version/", views.report_new_version, name="new-version"),
    path("<int:report_id>/pdf/<slug:audience>/", views.document_download, name="download"),
    path("<int:report_id>/pdf/<slug:audience>/retry/", views.document_retry, name="retry"),
]
