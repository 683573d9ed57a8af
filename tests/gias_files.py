"""Building Get Information about Schools extracts for tests, with the real headings."""

import csv
import io

HEADINGS = [
    "URN",
    "LA (code)",
    "LA (name)",
    "EstablishmentNumber",
    "EstablishmentName",
    "TypeOfEstablishment (code)",
    "TypeOfEstablishment (name)",
    "EstablishmentStatus (name)",
    "OpenDate",
    "CloseDate",
    "PhaseOfEducation (name)",
    "StatutoryLowAge",
    "StatutoryHighAge",
    "Gender (name)",
    "NumberOfPupils",
    "PercentageFSM",
    "Trusts (name)",
    "Street",
    "Locality",
    "Address3",
    "Town",
    "County (name)",
    "Postcode",
    "HeadTitle (name)",
    "HeadFirstName",
    "HeadLastName",
    "OfstedRating (name)",
    "GOR (name)",
]


def gias_row(urn: str, la_code: str = "926", **overrides) -> dict:
    row = {
        "URN": urn,
        "LA (code)": la_code,
        "LA (name)": {"926": "Norfolk", "302": "Barnet"}.get(la_code, "Elsewhere"),
        "EstablishmentNumber": "4001",
        "EstablishmentName": f"School {urn}",
        "TypeOfEstablishment (code)": "01",
        "TypeOfEstablishment (name)": "Community school",
        "EstablishmentStatus (name)": "Open",
        "OpenDate": "01-09-1975",
        "CloseDate": "",
        "PhaseOfEducation (name)": "Secondary",
        "StatutoryLowAge": "11",
        "StatutoryHighAge": "16",
        "Gender (name)": "Mixed",
        "NumberOfPupils": "900",
        "PercentageFSM": "21.4",
        "Trusts (name)": "",
        "Street": "1 High Street",
        "Locality": "",
        "Address3": "",
        "Town": "Norwich",
        "County (name)": {"926": "Norfolk"}.get(la_code, "Not applicable"),
        "Postcode": "NR1 1AA",
        "HeadTitle (name)": "Ms",
        "HeadFirstName": "Ada",
        "HeadLastName": "Lovelace",
        "OfstedRating (name)": "Good",
        "GOR (name)": "East of England",
    }
    row.update(overrides)
    return row


def gias_csv(rows: list[dict], *, encoding: str = "cp1252", bom: bool = False, headings=HEADINGS) -> bytes:
    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, fieldnames=headings, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    data = text.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


LINK_HEADINGS = ["URN", "LinkURN", "LinkName", "LinkType", "LinkEstablishedDate"]


def link_row(urn: str, link_urn: str, link_type: str, name: str = "", date: str = "01-09-2025") -> dict:
    """A row of links_edubasealldataYYYYMMDD.csv, as GIAS publishes it."""
    return {"URN": urn, "LinkURN": link_urn, "LinkName": name, "LinkType": link_type, "LinkEstablishedDate": date}


def links_csv(rows: list[dict], *, encoding: str = "cp1252") -> bytes:
    return gias_csv(rows, encoding=encoding, headings=LINK_HEADINGS)
