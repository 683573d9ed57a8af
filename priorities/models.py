"""The school's improvement priorities (later fed by Form 1), which visits evaluate."""

from django.db import models
from django.db.models import F, Q
from django_scopes import ScopedManager


class Priority(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="priorities")
    title = models.CharField("priority", max_length=200)
    key_focus_areas = models.TextField(blank=True)
    starts_on = models.DateField("start")
    ends_on = models.DateField("end")
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(la="school__la")

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "priorities"
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="priority_ends_after_it_starts")
        ]

    def __str__(self) -> str:
        return self.title
