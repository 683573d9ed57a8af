"""Rules about people's names that several apps' models share."""

import re

from django.core.exceptions import ValidationError

# An owner is one named person: not a list, a team or a department.
NOT_ONE_PERSON = re.compile(r"(,|&|/|\+|\band\b|\bor\b|\bteam\b|\bdepartment\b|\bstaff\b|\ball\b)", re.IGNORECASE)


def is_one_named_person(value: str) -> bool:
    """False for "Maths department", "Ms A and Mr B", "SLT/governors", "All staff" and the like."""
    return not NOT_ONE_PERSON.search(value)


def validate_one_named_person(value: str) -> None:
    """Model-field validator: an action has exactly one named owner (the handbook's rule)."""
    if not is_one_named_person(value):
        raise ValidationError("Name one person, not a list, a team or a department.", code="not_one_person")
