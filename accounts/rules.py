import rules

from .predicates import is_la_admin

# obj: the LocalAuthority
rules.add_perm("accounts.manage_people", is_la_admin)
