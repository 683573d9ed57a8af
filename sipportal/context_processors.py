from django.urls import reverse

from accounts.access import memberships_of
from partnerships.selectors import has_partnerships_in


def portal(request):
    """The header's facts: the active LA and whether the person works in more than one place."""
    la = getattr(request, "la", None)
    user = getattr(request, "user", None)
    places = 0
    if user is not None and user.is_authenticated:
        places = len({(m.la_id, m.national_body_id) for m in memberships_of(user)})
    return {
        "active_la": la,
        "has_other_places": places > 1,
        "navigation": _navigation(request, la) if la is not None else [],
    }


def _navigation(request, la):
    user = request.user
    items = [("Overview", reverse("overview:home", args=[la.code]))]
    if user.has_perm("visits.view_caseload", la):
        label = "Caseload" if user.has_perm("visits.manage_caseload", la) else "My schools"
        items.append((label, reverse("visits:caseload", args=[la.code])))
    if user.has_perm("schools.view_school_list", la):
        items.append(("Schools", reverse("schools:list", args=[la.code])))
    if user.has_perm("reports.view_la_reports", la):
        items.append(("Reports", reverse("reports:la", args=[la.code])))
    if user.has_perm("partnerships.view_la_ledger", la):
        items.append(("Gaining Ground", reverse("gaining_ground:la-ledger", args=[la.code])))
    if has_partnerships_in(user, la):
        items.append(("Partnerships", reverse("partnerships:mine")))
    if user.has_perm("training.view_programme", la):
        items.append(("Core training", reverse("training:programme", args=[la.code])))
    if user.has_perm("accounts.manage_people", la):
        items.append(("People", reverse("people:list", args=[la.code])))
        items.append(("Invitations", reverse("people:invitations", args=[la.code])))
    if user.has_perm("audit.view_log", la):
        items.append(("Audit log", reverse("audit:log", args=[la.code])))
    current = request.path
    return [
        {"label": label, "url": url, "current": current == url or (url != items[0][1] and current.startswith(url))}
        for label, url in items
    ]
