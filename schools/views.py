from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django_tables2 import RequestConfig

from tenancy.academic_year import academic_year_label, current_academic_year
from visits.models import SipAssignment

from .selectors import get_school_for_user, schools_visible_to
from .tables import SchoolTable


def school_list(request, la_code):
    if not request.user.has_perm("schools.view_school_list", request.la):
        raise PermissionDenied
    table = SchoolTable(schools_visible_to(request.user, request.la).select_related("la"))
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "schools/school_list.html", {"table": table})


def school_detail(request, la_code, urn):
    school = get_school_for_user(request, urn)
    year = current_academic_year()
    assignment = SipAssignment.objects.filter(school=school, academic_year=year).select_related("sip").first()
    people = school.memberships.select_related("user").order_by("role", "user__full_name")
    return render(
        request,
        "schools/school_detail.html",
        {
            "school": school,
            "assignment": assignment,
            "year_label": academic_year_label(year),
            "people": people,
            "can_edit": request.user.has_perm("schools.change_school", school),
        },
    )
