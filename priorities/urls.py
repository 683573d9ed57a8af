"""The school's improvement priorities, under /la/<la_code>/schools/<urn>/priorities/."""

from django.urls import path

from . import views

app_name = "priorities"
urlpatterns = [
    path("", views.priority_list, name="list"),
    path("new/", views.priority_edit, name="new"),
    path("<int:priority_id>/", views.priority_edit, name="edit"),
]
