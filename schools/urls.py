from django.urls import include, path

from . import views

app_name = "schools"

# Every page about one school lives under /la/<la_code>/schools/<urn>/.
school_patterns = [
    path("", views.school_detail, name="detail"),
    path("gaining-ground/", views.gaining_ground_edit, name="gaining-ground"),
    path("predecessors/<int:link_id>/confirm/", views.link_confirm, name="link-confirm"),
    path("results/<int:year>/", views.results_edit, name="results"),
    path("eligibility/<int:number>/", views.eligibility_edit, name="eligibility"),
    path("priorities/", include("priorities.urls")),
    path("reports/", include("reports.urls")),
]

urlpatterns = [
    path("", views.school_list, name="list"),
    path("export.csv", views.school_export, name="export"),
    path("imports/", views.imports, name="imports"),
    path("imports/<int:import_id>/", views.import_detail, name="import"),
    path("imports/performance-template.csv", views.results_template, name="results-template"),
    path("<str:urn>/", include(school_patterns)),
]
