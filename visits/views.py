from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from tenancy.academic_year import academic_year_label, current_academic_year

from .models import SipAssignment


def caseload(request, la_code):
    """A SIP's schools in this LA for the current academic year."""
    if not request.user.has_perm("visits.view_caseload", request.la):
        raise PermissionDenied
    year = current_academic_year()
    assignments = (
        SipAssignment.objects.filter(sip=request.user, academic_year=year)
        .select_related("school", "school__la")
        .order_by("school__name")
    )
    return render(
        request, "visits/caseload.html", {"assignments": assignments, "year_label": academic_year_label(year)}
    )
