from django.contrib.auth.decorators import login_required
from django.urls import include, path

from . import views

# Included by sipportal/urls.py under the "national" namespace, with the dashboards' pages (the
# bodies' home pages and the figures), which read this app and so cannot be imported by it.
urlpatterns = [
    path("<slug:body>/profiles/", login_required(views.profiles), name="profiles"),
    path("<slug:body>/profiles/<int:profile_id>/", login_required(views.profile), name="profile"),
    path("<slug:body>/register/", login_required(views.register), name="register"),
    path("<slug:body>/register/add/", login_required(views.register_edit), name="register-add"),
    path("<slug:body>/register/<int:register_id>/", login_required(views.register_edit), name="register-edit"),
    path("<slug:body>/partnerships/", login_required(views.partnerships), name="partnerships"),
    path("<slug:body>/reports/", include("reports.national_urls")),
]
