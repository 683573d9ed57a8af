from django.contrib import admin
from django.urls import include, path

from accounts import people_urls
from dashboards.urls import urlpatterns as dashboard_urls
from national.urls import urlpatterns as national_urls
from partnerships.urls import la_urlpatterns as gaining_ground_urls

from . import views

# Tenant pages: the middleware admits only people with a membership in <la_code>.
la_patterns = [
    path("", include("overview.urls")),
    path("", include(people_urls)),
    path("schools/", include("schools.urls")),
    path("", include("visits.urls")),
    path("reports/", include("reports.la_urls")),
    path("audit/", include("audit.urls")),
    path("gaining-ground/", include((gaining_ground_urls, "gaining_ground"))),
    path("training/", include("training.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("la/<str:la_code>/", include(la_patterns)),
    path("national/", include((dashboard_urls + national_urls, "national"))),
    path("partnerships/", include("partnerships.urls")),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("health/", views.health, name="health"),
    path("health/live/", views.health_live, name="health-live"),
    path("admin/", admin.site.urls),
]

handler403 = "sipportal.views.error_403"
handler404 = "sipportal.views.error_404"
handler500 = "sipportal.views.error_500"

admin.site.site_header = "SIP Portal administration"
admin.site.site_title = "SIP Portal administration"
