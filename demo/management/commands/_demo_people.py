"""The staff of each demo school: invented names that belong to that school alone.

A plan action's owner, a next step's owner or a deputy met at a visit is someone of the school's
own staff, never the head of another school or another LA. Every demo school gets its own eight
names (slots 0 to 7), and no two schools share one.
"""

FIRST = [
    "Mr Alan",
    "Mrs Joanne",
    "Ms Priya",
    "Mr Kieran",
    "Dr Fatima",
    "Mr Hugh",
    "Ms Hannah",
    "Mr Luke",
    "Mrs Sunita",
    "Mr Colin",
    "Ms Niamh",
    "Mr Tariq",
    "Mrs Eleanor",
    "Mr Marcus",
    "Ms Rebecca",
    "Dr Isaac",
]
# Surnames no demo headteacher, account holder or training delegate has.
LAST = [
    "Abbott",
    "Barker",
    "Chandler",
    "Dempsey",
    "Ellwood",
    "Fairley",
    "Gough",
    "Holloway",
    "Ingram",
    "Jarvis",
    "Kemp",
    "Lambert",
    "Morley",
    "Nash",
    "Oakes",
    "Parry",
    "Quigley",
    "Rowntree",
    "Sayer",
    "Tennant",
    "Underwood",
    "Varley",
    "Walsh",
    "Yardley",
    "Ashworth",
    "Brightwell",
    "Cole",
    "Dale",
    "Eastwood",
    "Foley",
]
SLOTS = 8
CHAIR_SLOT = 7
_POOL = len(FIRST) * len(LAST)
_STRIDE = 157  # shares no factor with the pool's size, so each index maps to its own name


def _school_number(urn: str) -> int:
    """A small number of its own for each demo school (URNs 8301xx to 8304xx and the conversion's two)."""
    special = {"830399": 40, "149901": 41}
    if urn in special:
        return special[urn]
    n = int(urn) % 1000
    if urn.startswith("830") and 100 <= n < 500 and n % 100 < 10:
        return (n // 100 - 1) * 10 + n % 100
    return 42 + int(urn) % 8


def staff_name(school, slot: int) -> str:
    """The school's own member of staff in that slot (0 to 7; 7 is the chair of governors)."""
    index = (_school_number(school.urn) * SLOTS + slot) * _STRIDE % _POOL
    return f"{FIRST[index % len(FIRST)]} {LAST[index // len(FIRST)]}"
