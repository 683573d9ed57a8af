import rules

from accounts.predicates import is_la_admin

# obj: the LocalAuthority. The LA's table of its Gaining Ground schools' support ledgers.
rules.add_perm("partnerships.view_la_ledger", is_la_admin)
