from django.contrib.auth.decorators import login_required
from django.urls import include, path

from . import views

app_name = "national"
urlpatterns = [
    path("<slug:body>/", login_required(views.national_home), name="home"),
    path("<slug:body>/profiles/", login_required(views.profiles), name="profiles"),
    path("<slug:body>/profiles/<int:profile_id>/", login_required(views.profile), name="profile"),
    path("<slug:body>/reports/", include("reports.national_urls")),
]
