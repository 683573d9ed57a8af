"""An item of a person's to-do list.

Each app's selectors say what is waiting in their part of the portal; the overview gathers them,
so no app imports the overview.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Todo:
    text: str
    href: str
    detail: str = ""
    urgent: bool = False


def counted(n: int, one: str, many: str) -> str:
    """'1 school has' or '3 schools have'."""
    return f"{n} {one if n == 1 else many}"
