"""Partnership pages, under /partnerships/: the people of one partnership reach it from any LA."""

from django.contrib.auth.decorators import login_required
from django.urls import path

from . import views

app_name = "partnerships"
urlpatterns = [
    path("", login_required(views.mine), name="mine"),
    path("proposals/<int:proposal_id>/", login_required(views.proposal), name="proposal"),
    path("<int:partnership_id>/", login_required(views.detail), name="detail"),
    path("<int:partnership_id>/assign/", login_required(views.assign), name="assign"),
    path("<int:partnership_id>/notes/new/", login_required(views.note), name="note"),
    path("<int:partnership_id>/ledger/", login_required(views.ledger), name="ledger"),
    path("<int:partnership_id>/form2/<int:plan_id>/print/", login_required(views.form2_print), name="print"),
    path("<int:partnership_id>/form2/<int:plan_id>/pdf/", login_required(views.form2_download), name="download"),
    path("<int:partnership_id>/form2/<int:plan_id>/pdf/retry/", login_required(views.form2_retry), name="retry"),
    path("<int:partnership_id>/form2/<int:plan_id>/details/", login_required(views.form2_details), name="details"),
    path(
        "<int:partnership_id>/form2/<int:plan_id>/focus-areas/<int:focus_area_id>/",
        login_required(views.form2_strategies),
        name="strategies",
    ),
    path(
        "<int:partnership_id>/form2/<int:plan_id>/transition/",
        login_required(views.form2_transition),
        name="transition",
    ),
    path(
        "<int:partnership_id>/form2/<int:plan_id>/new-version/",
        login_required(views.form2_new_version),
        name="new-version",
    ),
]

# Tenant pages, under /la/<la_code>/gaining-ground/.
la_urlpatterns = [
    path("ledger/", views.la_ledger_table, name="la-ledger"),
    path("ledger.csv", views.la_ledger_csv, name="la-ledger-csv"),
]
