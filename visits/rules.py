import rules

from accounts.predicates import is_sip_in_la

# obj: the LocalAuthority
rules.add_perm("visits.view_caseload", is_sip_in_la)
