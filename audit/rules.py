import rules

from accounts.predicates import is_la_admin

# obj: the LocalAuthority
rules.add_perm("audit.view_log", is_la_admin)
