"""The school page's core-training panel, so the school's own page needs one line to show it."""

from django import template

from tenancy.academic_year import current_academic_year

from ..selectors import school_training

register = template.Library()


@register.inclusion_tag("training/_school_panel.html", takes_context=True)
def training_panel(context, school):
    """This year's bookings with the priority or plan action each serves and what changed after it."""
    request = context["request"]
    if not request.user.has_perm("training.view_school_training", school):
        return {"show": False}
    return {"show": True, "school": school, **school_training(school, current_academic_year())}
