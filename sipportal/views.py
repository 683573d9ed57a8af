import logging

from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from accounts.access import memberships_of
from accounts.models import NATIONAL_ROLES, SCHOOL_ROLES, Role
from jobs.status import background_status

logger = logging.getLogger(__name__)


def home_url(membership) -> str:
    """Where a membership's work starts."""
    if membership.role in (Role.PARTNER_HEAD, Role.CONSULTANT_HEAD, Role.PARTNERSHIP_COORDINATOR):
        return reverse("partnerships:mine")
    if membership.role in NATIONAL_ROLES:
        return reverse("national:home", args=[membership.national_body.kind])
    if membership.role == Role.GOVERNOR:
        # Governors come for their school's reports: land there, with nothing else to get lost in.
        return reverse("schools:reports:list", args=[membership.la.code, membership.school.urn])
    if membership.role == Role.TRAINING_CONTACT:
        # A training contact's whole work is the school's core training.
        return reverse("training:school", args=[membership.la.code, membership.school.urn])
    if membership.role in SCHOOL_ROLES:
        return reverse("schools:detail", args=[membership.la.code, membership.school.urn])
    if membership.role == Role.SIP:
        return reverse("visits:caseload", args=[membership.la.code])
    return reverse("overview:home", args=[membership.la.code])


def home(request):
    """After sign-in: straight to the person's work, or a choice when they work in several places."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    places = {}
    for membership in memberships_of(request.user):
        places.setdefault(home_url(membership), []).append(membership)
    if request.user.is_superuser and not places:
        return redirect("admin:index")
    if len(places) == 1:
        return redirect(next(iter(places)))
    return render(request, "home.html", {"places": places.items()})


def accessibility(request):
    return render(request, "accessibility.html")


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception:
        logger.exception("health: database check failed")
        return "down"


@never_cache
def health(request):
    """Readiness: the database, the broker and at least one worker. 503 when any is down."""
    checks = {"database": _check_database(), **background_status()}
    healthy = all(value in ("ok", "in-process") for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "down", **checks}, status=200 if healthy else 503)


@never_cache
def health_live(request):
    """Liveness: the web process answers. Used by the container health check."""
    return JsonResponse({"status": "ok"})


def error_404(request, exception):
    return render(request, "404.html", status=404)


def error_403(request, exception):
    from audit.models import Action
    from audit.services import audit_record

    # Inside an LA its administrators see what was tried; national pages have no LA log.
    if getattr(request, "la", None) is not None and request.user.is_authenticated:
        reason = str(exception or "")[:300]
        audit_record(
            action=Action.ACCESS_DENIED,
            request=request,
            la=request.la,
            detail={"path": request.path[:500], "reason": reason} if reason else {"path": request.path[:500]},
        )
    return render(request, "403.html", status=403)


def error_500(request):
    return render(request, "500.html", status=500)
