"""What the register tells the apps built on it, which it does not import."""

from django.dispatch import Signal

# Sent inside `school_link_confirm`'s transaction once an LA confirms that `new` continues `old`:
# each app carries its own work of `year` over to the new URN and adds what it moved to `moved`,
# the audit record's detail. Arguments: old, new, year, moved. A receiver that fails undoes the whole
# confirmation.
school_converted = Signal()
