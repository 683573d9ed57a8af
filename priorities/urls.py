"""Priorities, Form 1 and the improvement plan, under /la/<la_code>/schools/<urn>/priorities/."""

from django.urls import path

from .plan import views as plan_views
from .profile import views as profile_views

app_name = "priorities"
urlpatterns = [
    path("", plan_views.priority_list, name="list"),
    path("new/", plan_views.priority_edit, name="new"),
    path("<int:priority_id>/", plan_views.priority_edit, name="edit"),
    path("profile/", profile_views.profile_home, name="profile-home"),
    path("profile/<int:profile_id>/", profile_views.profile_tasks, name="profile"),
    path("profile/<int:profile_id>/check/", profile_views.profile_check, name="profile-check"),
    path("profile/<int:profile_id>/print/", profile_views.profile_print, name="profile-print"),
    path("profile/<int:profile_id>/<slug:section>/", profile_views.profile_section, name="profile-section"),
    path("plan/", plan_views.plan, name="plan"),
    path("plan/year-end/", plan_views.plan_year_end, name="plan-year-end"),
    path("plan/priorities/<int:priority_id>/actions/new/", plan_views.plan_action, name="plan-action-new"),
    path("plan/actions/<int:action_id>/", plan_views.plan_action, name="plan-action"),
    path("plan/actions/<int:action_id>/review/", plan_views.plan_review, name="plan-review"),
]
