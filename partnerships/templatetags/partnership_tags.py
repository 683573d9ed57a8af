"""Links to a school's partnerships and their Form 2, for the school's own pages (school page, reports)."""

from django import template

from ..selectors import school_partnerships_for

register = template.Library()


@register.inclusion_tag("partnerships/_school_links.html", takes_context=True)
def partnership_links(context, school, items=False):
    """The school's partnerships this person has a part in, each with the latest Form 2 they may read.

    `items` renders only the list items, for a list the page already has.
    """
    return {"entries": school_partnerships_for(context["request"].user, school), "items": items}
