"""A converting school's improvement priorities and Form 1 of this year move to its new URN."""

from django.dispatch import receiver

from schools.signals import school_converted

from .models import Priority, PriorityProfile


@receiver(school_converted)
def carry_priorities_over(sender, *, old, new, year, moved, **kwargs):
    """What the successor already has is kept, never overwritten."""
    priorities = Priority.objects.in_year(year).filter(school=old, is_active=True)
    if not Priority.objects.in_year(year).filter(school=new, is_active=True).exists():
        moved["priorities"] = sorted(priorities.values_list("title", flat=True))
        priorities.update(school=new)

    profiles = PriorityProfile.objects.filter(school=old, academic_year=year)
    if not PriorityProfile.objects.filter(school=new, academic_year=year).exists():
        moved["form_1_versions"] = profiles.update(school=new)
