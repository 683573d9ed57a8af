from django.contrib.auth.decorators import login_required
from django.urls import include, path

from dashboards import views as dashboard_views

from . import views

app_name = "national"
urlpatterns = [
    path("<slug:body>/", login_required(views.national_home), name="home"),
    path("<slug:body>/profiles/", login_required(views.profiles), name="profiles"),
    path("<slug:body>/profiles/<int:profile_id>/", login_required(views.profile), name="profile"),
    path("<slug:body>/register/", login_required(views.register), name="register"),
    path("<slug:body>/register/add/", login_required(views.register_edit), name="register-add"),
    path("<slug:body>/register/<int:register_id>/", login_required(views.register_edit), name="register-edit"),
    path("<slug:body>/partnerships/", login_required(views.partnerships), name="partnerships"),
    path("<slug:body>/reports/", include("reports.national_urls")),
    path("<slug:body>/figures/<slug:table>/", login_required(dashboard_views.figures_schools), name="figures-schools"),
    path("<slug:body>/figures/<slug:table>.csv", login_required(dashboard_views.figures_csv), name="figures-csv"),
]
