from django.urls import path

from . import views

app_name = "visits"

# Under /la/<la_code>/; the visits of one school live with the school's other pages.
urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("caseload/assign/", views.assign, name="assign"),
    path("caseload/prepare/", views.prepare_year, name="prepare"),
    path("schools/<str:urn>/visits/", views.visit_list, name="list"),
    path("schools/<str:urn>/visits/new/", views.visit_new, name="new"),
    path("schools/<str:urn>/visits/year-end/", views.year_end, name="year-end"),
    path("schools/<str:urn>/visits/<int:visit_id>/", views.visit_detail, name="visit"),
    path("schools/<str:urn>/visits/<int:visit_id>/note/", views.visit_note, name="note"),
    path("schools/<str:urn>/visits/<int:visit_id>/record/", views.visit_record, name="record"),
    path("schools/<str:urn>/visits/<int:visit_id>/finalise/", views.visit_finalise, name="finalise"),
]
