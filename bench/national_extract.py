"""A generated national GIAS extract and links file, shaped like the real ones.

Every published heading; a realistic mix: about a third closed (many of them the predecessors of
academy conversions), independent schools, children's centres, further education, Welsh and
overseas rows, and the links file pairing each conversion from both sides. Deterministic.
"""

import csv
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.gias_files import LINK_HEADINGS, PUBLISHED_HEADINGS  # noqa: E402

REGIONS = [
    "North East",
    "North West",
    "Yorkshire and the Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
]
# (type, group, share of the rows that are not conversions); the register takes the first eight.
TYPES = [
    ("Community school", "Local authority maintained schools", 24),
    ("Voluntary aided school", "Local authority maintained schools", 10),
    ("Voluntary controlled school", "Local authority maintained schools", 6),
    ("Foundation school", "Local authority maintained schools", 4),
    ("Academy sponsor led", "Academies", 8),
    ("Free schools", "Free Schools", 3),
    ("Community special school", "Special schools", 3),
    ("Pupil referral unit", "Local authority maintained schools", 1),
    ("Other independent school", "Independent schools", 9),
    ("Other independent special school", "Independent schools", 2),
    ("Children's centre", "Children's centres", 6),
    ("Further education", "Colleges", 2),
    ("Higher education institutions", "Universities", 1),
    ("Online provider", "Online provider", 1),
]
WEIGHTS = [t[2] for t in TYPES]
OFSTED = ["Outstanding", "Good", "Good", "Requires improvement", "Inadequate", "Serious Weaknesses", ""]
PHASES = [("Primary", 4, 11), ("Secondary", 11, 16), ("Secondary", 11, 18), ("All-through", 4, 18)]
FIRST = ["Ada", "Grace", "Alan", "Mary", "Tim", "Ruth", "Imran", "Siobhán", "Zoë", "Kwame"]
LAST = ["Lovelace", "Hopper", "Turing", "Somerville", "Berners-Lee", "O’Neill", "Khan", "Ng", "Ødegaard"]
TOWNS = ["Norwich", "Leeds", "Bristol", "Carlisle", "Truro", "Hexham", "Ely", "Wigan", "Luton", "Derby"]


def _blank() -> dict:
    return dict.fromkeys(PUBLISHED_HEADINGS, "")


def _school(rng: random.Random, urn: int, la: int, kind: str, group: str, *, closed: bool) -> dict:
    row = _blank()
    phase, low, high = rng.choice(PHASES)
    town = rng.choice(TOWNS)
    no_town = rng.random() < 0.4  # as GIAS often does: the town in Address3 or Locality
    row.update(
        {
            "URN": str(urn),
            "LA (code)": str(la),
            "LA (name)": f"Authority {la}",
            "EstablishmentNumber": f"{1000 + urn % 9000}",
            "EstablishmentName": f"St Æthelred’s {kind.split()[0]} {urn}",
            "TypeOfEstablishment (code)": str(TYPES.index(next(t for t in TYPES if t[0] == kind)) + 1)
            if any(t[0] == kind for t in TYPES)
            else "28",
            "TypeOfEstablishment (name)": kind,
            "EstablishmentTypeGroup (name)": group,
            "EstablishmentStatus (code)": "2" if closed else "1",
            "EstablishmentStatus (name)": "Closed"
            if closed
            else rng.choice(["Open"] * 30 + ["Open, but proposed to close"]),
            "OpenDate": f"01-09-{rng.randint(1950, 2020)}" if rng.random() < 0.6 else "",
            "CloseDate": f"31-08-{rng.randint(2010, 2025)}" if closed else "",
            "ReasonEstablishmentClosed (name)": "Academy converter" if closed else "Not applicable",
            "PhaseOfEducation (name)": "Not applicable" if kind.startswith("Children") else phase,
            "StatutoryLowAge": "" if kind.startswith("Children") else str(low),
            "StatutoryHighAge": "" if kind.startswith("Children") else str(high),
            "Gender (name)": "Mixed",
            "ReligiousCharacter (name)": rng.choice(["Does not apply", "Church of England", "Roman Catholic"]),
            "SchoolCapacity": str(rng.randint(60, 2000)),
            "CensusDate": "16-01-2025",
            "NumberOfPupils": "" if closed else str(rng.randint(20, 1900)),
            "PercentageFSM": rng.choice(["SUPP", f"{rng.uniform(2, 60):.1f}", f"{rng.uniform(2, 60):.1f}"]),
            "Trusts (name)": f"Trust {urn % 700}" if kind.startswith("Academy") else "",
            "UKPRN": str(10_000_000 + urn),
            "Street": f"{rng.randint(1, 200)} School Lane",
            "Locality": town if no_town and rng.random() < 0.5 else "",
            "Address3": town if no_town else "",
            "Town": "" if no_town else town,
            "County (name)": rng.choice(["Norfolk", "Cumbria", "Not applicable", ""]),
            "Postcode": f"NR{rng.randint(1, 35)} {rng.randint(1, 9)}AB",
            "SchoolWebsite": f"www.school{urn}.example.org",
            "TelephoneNum": f"01603{rng.randint(100000, 999999)}",
            "HeadTitle (name)": rng.choice(["Mr", "Mrs", "Ms", "Dr", "Not applicable"]),
            "HeadFirstName": rng.choice(FIRST),
            "HeadLastName": rng.choice(LAST),
            "HeadPreferredJobTitle": "Headteacher",
            "GOR (name)": REGIONS[la % len(REGIONS)],
            "DistrictAdministrative (name)": f"District {la}",
            "ParliamentaryConstituency (name)": f"Constituency {urn % 650}",
            "UrbanRural (name)": "(England/Wales) Urban city and town",
            "Easting": str(rng.randint(100000, 650000)),
            "Northing": str(rng.randint(10000, 650000)),
            "LSOA (name)": f"Area {urn % 30000}",
            "OfstedLastInsp": f"{rng.randint(1, 28):02d}-0{rng.randint(1, 9)}-2023",
            "OfstedRating (name)": rng.choice(OFSTED),
            "Country (name)": "United Kingdom",
            "UPRN": str(100_000_000 + urn),
        }
    )
    return row


def write_national(extract: Path, links: Path, rows: int, seed: int = 2026) -> dict:
    """Write both files; return how many rows of each kind were written."""
    rng = random.Random(seed)  # noqa: S311  (generated test data)
    mix = {"conversions": 0, "welsh": 0, "overseas": 0, "closed": 0, "rows": 0}
    urn = 100000
    with (
        extract.open("w", encoding="cp1252", newline="") as out,
        links.open("w", encoding="cp1252", newline="") as link_out,
    ):
        writer = csv.DictWriter(out, fieldnames=PUBLISHED_HEADINGS, lineterminator="\r\n")
        link_writer = csv.DictWriter(link_out, fieldnames=LINK_HEADINGS, lineterminator="\r\n")
        writer.writeheader()
        link_writer.writeheader()
        while mix["rows"] < rows:
            urn += 1
            la = 201 + rng.randrange(150)
            draw = rng.random()
            if draw < 0.03:  # Welsh establishments
                row = _school(rng, urn, 660 + rng.randrange(22), "Welsh establishment", "Welsh schools", closed=False)
                row["GOR (name)"] = "Wales (pseudo)"
                mix["welsh"] += 1
            elif draw < 0.035:  # British schools overseas, offshore
                row = _school(rng, urn, 703, "British schools overseas", "Other types", closed=False)
                row["GOR (name)"] = "Not Applicable"
                mix["overseas"] += 1
            elif draw < 0.135 and mix["rows"] + 2 <= rows:  # an academy conversion: two rows and a link
                old = _school(rng, urn, la, "Community school", "Local authority maintained schools", closed=True)
                urn += 1
                new = _school(rng, urn, la, "Academy converter", "Academies", closed=False)
                new["OpenDate"] = "01-09-" + old["CloseDate"][-4:]
                writer.writerow(old)
                mix["rows"] += 1
                mix["closed"] += 1
                mix["conversions"] += 1
                date = new["OpenDate"]
                link_writer.writerow(
                    {
                        "URN": new["URN"],
                        "LinkURN": old["URN"],
                        "LinkName": old["EstablishmentName"],
                        "LinkType": "Predecessor",
                        "LinkEstablishedDate": date,
                    }
                )
                link_writer.writerow(
                    {
                        "URN": old["URN"],
                        "LinkURN": new["URN"],
                        "LinkName": new["EstablishmentName"],
                        "LinkType": "Successor",
                        "LinkEstablishedDate": date,
                    }
                )
                row = new
            else:
                kind, group, _ = rng.choices(TYPES, weights=WEIGHTS)[0]
                closed = rng.random() < 0.27
                row = _school(rng, urn, la, kind, group, closed=closed)
                mix["closed"] += closed
                if kind.startswith("Children") and rng.random() < 0.1:
                    link_writer.writerow(
                        {
                            "URN": row["URN"],
                            "LinkURN": "100001",
                            "LinkName": "",
                            "LinkType": "Children's centre link",
                            "LinkEstablishedDate": "",
                        }
                    )
            writer.writerow(row)
            mix["rows"] += 1
    return mix
