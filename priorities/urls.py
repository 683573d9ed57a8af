"""Priorities, Form 1 and the improvement plan, under /la/<la_code>/schools/<urn>/priorities/."""

from django.urls import path

from . import views

app_name = "priorities"
urlpatterns = [
    path("", views.priority_list, name="list"),
    path("new/", views.priority_edit, name="new"),
    path("<int:priority_id>/", views.priority_edit, name="edit"),
    path("profile/", views.profile_home, name="profile-home"),
    path("profile/<int:profile_id>/", views.profile_tasks, name="profile"),
    path("profile/<int:profile_id>/check/", views.profile_check, name="profile-check"),
    path("profile/<int:profile_id>/print/", views.profile_print, name="profile-print"),
    path("profile/<int:profile_id>/<slug:section>/", views.profile_section, name="profile-section"),
    path("plan/", views.plan, name="plan"),
    path("plan/priorities/<int:priority_id>/actions/new/", views.plan_action, name="plan-action-new"),
    path("plan/actions/<int:action_id>/", views.plan_action, name="plan-action"),
    path("plan/actions/<int:action_id>/review/", views.plan_review, name="plan-review"),
]
