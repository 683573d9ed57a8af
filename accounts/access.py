"""What one person may see in one LA, loaded once per request and shared by every check.

The tenant middleware loads it; `rules` predicates and selectors read it. Loading costs two
queries whatever the size of the LA, so pages keep a constant query count.
"""

from dataclasses import dataclass, field

from django_scopes import scopes_disabled

from caseload.models import SipAssignment
from tenancy.academic_year import current_academic_year

from .models import SCHOOL_PAGE_ROLES, Membership, Role

_CACHE_ATTRIBUTE = "_sip_access_by_la"


@dataclass
class LaAccess:
    la_id: int
    is_site_admin: bool = False
    memberships: list[Membership] = field(default_factory=list)
    sip_school_ids: frozenset[int] = frozenset()

    @property
    def roles(self) -> set[str]:
        return {m.role for m in self.memberships}

    @property
    def is_member(self) -> bool:
        return self.is_site_admin or bool(self.memberships)

    @property
    def is_la_admin(self) -> bool:
        return self.is_site_admin or Role.LA_ADMIN in self.roles

    @property
    def is_sip(self) -> bool:
        return Role.SIP in self.roles

    def school_ids(self, *roles: str) -> set[int]:
        return {m.school_id for m in self.memberships if m.role in roles}

    def can_see_school(self, school_id: int) -> bool:
        return self.is_la_admin or school_id in self.sip_school_ids or school_id in self.school_ids(*SCHOOL_PAGE_ROLES)

    def can_edit_school(self, school_id: int) -> bool:
        return self.is_la_admin or school_id in self.sip_school_ids


def access_for(user, la_id: int) -> LaAccess:
    """The person's access in the LA with primary key `la_id` (cached on the user object)."""
    cache = user.__dict__.setdefault(_CACHE_ATTRIBUTE, {})
    if la_id in cache:
        return cache[la_id]
    if not user.is_authenticated or not user.is_active:
        access = LaAccess(la_id=la_id)
    else:
        memberships = list(Membership.objects.with_scope(la=la_id).filter(user=user).select_related("la", "school"))
        sip_school_ids: frozenset[int] = frozenset()
        if any(m.role == Role.SIP for m in memberships):
            sip_school_ids = frozenset(
                SipAssignment.objects.with_scope(la=la_id)
                .filter(sip=user, academic_year=current_academic_year())
                .values_list("school_id", flat=True)
            )
        access = LaAccess(
            la_id=la_id, is_site_admin=user.is_superuser, memberships=memberships, sip_school_ids=sip_school_ids
        )
    cache[la_id] = access
    return access


def memberships_of(user) -> list[Membership]:
    """Every membership of one person, across LAs and national bodies.

    A person's own memberships are theirs to see wherever they are; this is the one place that
    reads memberships without an LA scope, and it only ever filters by the person.
    """
    with scopes_disabled():
        return list(
            Membership.objects.filter(user=user)
            .select_related("la", "school", "national_body")
            .order_by("la__name", "school__name", "role")
        )
