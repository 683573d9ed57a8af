"""The national bodies' home pages and figures, under /national/<body>/ in the "national" namespace."""

from django.contrib.auth.decorators import login_required
from django.urls import path

from . import views

urlpatterns = [
    path("<slug:body>/", login_required(views.national_home), name="home"),
    path("<slug:body>/figures/<slug:table>/", login_required(views.figures_schools), name="figures-schools"),
    path("<slug:body>/figures/<slug:table>.csv", login_required(views.figures_csv), name="figures-csv"),
]
