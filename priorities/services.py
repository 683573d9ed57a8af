from django.db import transaction

from audit.models import Action
from audit.services import audit_record

from .models import Priority


@transaction.atomic
def priority_save(*, actor, school, priority: Priority | None, values: dict, request=None) -> Priority:
    """Add or change one of the school's improvement priorities."""
    if priority is None:
        priority = Priority(school=school, position=Priority.objects.filter(school=school).count() + 1)
    for name, value in values.items():
        setattr(priority, name, value)
    priority.full_clean()
    priority.save()
    audit_record(
        action=Action.PRIORITY_CHANGED, actor=actor, request=request, obj=school, detail={"priority": priority.title}
    )
    return priority
