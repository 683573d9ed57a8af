import rules

from .predicates import is_la_admin

# obj: the LocalAuthority
rules.add_perm("accounts.manage_people", is_la_admin)
# Every app writes to the audit log, so it sits below accounts and cannot import the roles: who
# may read it is said here.
rules.add_perm("audit.view_log", is_la_admin)
