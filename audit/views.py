from django.shortcuts import render

from tenancy.selectors import get_la_for_user

from .forms import AuditFilterForm
from .selectors import audit_log_page


def audit_log(request, la_code):
    """The LA's audit log, newest first, for its administrators, filtered and paged by key."""
    get_la_for_user(request, "audit.view_log")
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page = audit_log_page(filters=filters, before=request.GET.get("before"), after=request.GET.get("after"))
    query = request.GET.copy()
    for key in ("before", "after"):
        query.pop(key, None)
    return render(
        request,
        "audit/log.html",
        {"form": form, "page": page, "query": query.urlencode(), "filtered": bool(filters)},
    )
