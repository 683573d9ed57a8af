"""A converting school's partnerships of this year move to its new URN, on either side."""

from django.dispatch import receiver
from django_scopes import scopes_disabled

from schools.signals import school_converted

from .models import Partnership


@receiver(school_converted)
def carry_partnerships_over(sender, *, old, new, year, moved, **kwargs):
    # As a partner the school may support a school of another LA, whose partnership belongs to
    # that LA: moving the partner side crosses LAs on purpose.
    this_year = {"academic_year": year, "ended_on__isnull": True}
    as_school = Partnership.objects.filter(school=old, **this_year)
    names = sorted(as_school.values_list("name", flat=True))
    as_school.update(school=new)
    with scopes_disabled():
        as_partner = Partnership.objects.filter(partner_school=old, **this_year)
        names += sorted(as_partner.values_list("name", flat=True))
        as_partner.update(partner_school=new)
    if names:
        moved["partnerships"] = names
