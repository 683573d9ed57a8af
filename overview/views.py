from django.shortcuts import render

from accounts.models import Role
from schools.selectors import schools_visible_to

from .selectors import la_figures, todo_for


def la_home(request, la_code):
    """The overview of an LA: the person's to-do list first, then what they can do here."""
    access = request.access
    context = {
        "memberships": access.memberships,
        "todo": todo_for(request),
        "schools": schools_visible_to(request.user, request.la).select_related("la")[:25],
        # A training contact's one place in the school is its core training.
        "training_schools": [m.school for m in access.memberships if m.role == Role.TRAINING_CONTACT],
    }
    if access.is_la_admin:
        context.update(la_figures())
    return render(request, "overview/la_home.html", context)
