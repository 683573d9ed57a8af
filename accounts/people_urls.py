"""The LA administrator's pages about people (namespace `people:`), under /la/<la_code>/."""

from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("people/", views.people, name="list"),
    path("people/<int:membership_id>/", views.membership_edit, name="membership-edit"),
    path("people/<int:membership_id>/remove/", views.membership_remove, name="membership-remove"),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/new/", views.invitation_new, name="invitation-new"),
    path(
        "invitations/<int:invitation_id>/resend/",
        views.invitation_change,
        {"action": "resend"},
        name="invitation-resend",
    ),
    path(
        "invitations/<int:invitation_id>/revoke/",
        views.invitation_change,
        {"action": "revoke"},
        name="invitation-revoke",
    ),
]
