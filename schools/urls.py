from django.urls import include, path

from . import views

app_name = "schools"

# Every page about one school lives under /la/<la_code>/schools/<urn>/.
school_patterns = [
    path("", views.school_detail, name="detail"),
    path("priorities/", include("priorities.urls")),
    path("partnership/", include("partnerships.urls")),
    path("reports/", include("reports.urls")),
]

urlpatterns = [
    path("", views.school_list, name="list"),
    path("<str:urn>/", include(school_patterns)),
]
