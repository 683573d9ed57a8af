import rules

from accounts.predicates import access_to, is_la_admin, is_member_of_la, is_only_training_contact


@rules.predicate
def can_see_school(user, school) -> bool:
    """The LA's administrators, the school's SIP this year, and the school's own people."""
    access = access_to(user, school)
    return access is not None and access.can_see_school(school.pk)


@rules.predicate
def can_edit_school(user, school) -> bool:
    """The LA's administrators and the school's SIP this year."""
    access = access_to(user, school)
    return access is not None and access.can_edit_school(school.pk)


# obj: the LocalAuthority; the list shows each person only the schools they may see. A training
# contact sees only their school's core training.
rules.add_perm("schools.view_school_list", is_member_of_la & ~is_only_training_contact)
rules.add_perm("schools.view_school", can_see_school)
# Results and Gaining Ground eligibility: the LA's administrators and the school's SIP.
rules.add_perm("schools.change_school", can_edit_school)
# The register itself (imports, Gaining Ground membership): the LA's administrators. obj: LA or school.
rules.add_perm("schools.manage_register", is_la_admin)
