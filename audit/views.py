from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django_tables2 import RequestConfig

from .models import AuditEvent
from .tables import AuditTable


def audit_log(request, la_code):
    """The LA's audit log, newest first, for its administrators."""
    if not request.user.has_perm("audit.view_log", request.la):
        raise PermissionDenied
    table = AuditTable(AuditEvent.objects.select_related("actor"))
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "audit/log.html", {"table": table})
