"""Reading a Get Information about Schools extract (edubasealldataYYYYMMDD.csv).

Only the columns below are read; the hundreds of others are ignored.
"""

import datetime
import hashlib
import re
from contextlib import nullcontext
from decimal import Decimal

from django.utils import timezone
from django_scopes import scopes_disabled

from tenancy.models import LocalAuthority, Region

from .imports import Outcome, RowError, Skipped, value_problem
from .models import EstablishmentType, OfstedRating, Phase, School, Status

REQUIRED = (
    "URN",
    "LA (code)",
    "EstablishmentName",
    "EstablishmentStatus (name)",
    "PhaseOfEducation (name)",
)
STATUS = {
    "open": Status.OPEN,
    "closed": Status.CLOSED,
    "open, but proposed to close": Status.PROPOSED_TO_CLOSE,
    "proposed to open": Status.PROPOSED_TO_OPEN,
}
PHASE = {
    "secondary": Phase.SECONDARY,
    "primary": Phase.PRIMARY,
    "all-through": Phase.ALL_THROUGH,
    "middle deemed secondary": Phase.MIDDLE_DEEMED_SECONDARY,
    "middle deemed primary": Phase.MIDDLE_DEEMED_PRIMARY,
    "nursery": Phase.NURSERY,
    "16 plus": Phase.SIXTEEN_PLUS,
    "not applicable": Phase.NOT_APPLICABLE,
}
OFSTED = {label.lower(): value for value, label in OfstedRating.choices} | {
    "": "",
    "not applicable": "",
    "no data": "",
    "insufficient evidence": "",
}
REGIONS = {label.lower(): value for value, label in Region.choices}
# Rows of a national extract that no English LA holds, by their "GOR (name)": skipped and
# counted by reason, never imported, never an error.
OUTSIDE_ENGLAND = {
    "wales (pseudo)": "Welsh establishments",
    "not applicable": "No English LA (overseas, offshore and other establishments)",
}
ANOTHER_LA = "Schools of other LAs"
TYPE_COLUMN = "TypeOfEstablishment (name)"
# The fields an import may change, in the order the change list mentions them.
FIELDS = (
    "la_id",
    "establishment_number",
    "name",
    "establishment_type",
    "phase",
    "status",
    "statutory_low_age",
    "statutory_high_age",
    "number_of_pupils",
    "percentage_fsm",
    "street",
    "locality",
    "address3",
    "town",
    "county",
    "postcode",
    "easting",
    "northing",
    "headteacher_name",
    "ofsted_rating",
    "trust_name",
    "opened_on",
    "closed_on",
)
# Optional columns and the field each fills; a column that is absent leaves its field alone.
OPTIONAL = {
    "EstablishmentNumber": "establishment_number",
    "TypeOfEstablishment (name)": "establishment_type",
    "StatutoryLowAge": "statutory_low_age",
    "StatutoryHighAge": "statutory_high_age",
    "NumberOfPupils": "number_of_pupils",
    "PercentageFSM": "percentage_fsm",
    "Street": "street",
    "Locality": "locality",
    "Address3": "address3",
    "Town": "town",
    "County (name)": "county",
    "Postcode": "postcode",
    "Easting": "easting",
    "Northing": "northing",
    "OfstedRating (name)": "ofsted_rating",
    "Trusts (name)": "trust_name",
    "OpenDate": "opened_on",
    "CloseDate": "closed_on",
}
HEAD_COLUMNS = ("HeadTitle (name)", "HeadFirstName", "HeadLastName")


COLUMNS = frozenset(REQUIRED) | set(OPTIONAL) | set(HEAD_COLUMNS) | {"LA (name)", "GOR (name)"}


class GiasImporter:
    """Upserts schools by URN.

    For an LA import, other LAs' rows are skipped; a national import (la=None) takes every LA,
    adding unknown LAs when the row names their region.
    """

    required_columns = REQUIRED
    columns = COLUMNS

    def __init__(self, *, la: LocalAuthority | None):
        self.la = la
        self.seen: dict[str, int] = {}
        # Set by import_run once every row has passed its checks: the writing pass reads the same
        # file again and need not check each value against its field a second time.
        self.checked = False
        # What each school was last imported from: an unchanged row is counted without reading it.
        with scopes_disabled() if la is None else nullcontext():
            schools = School.objects.all() if la is None else School.objects.filter(la=la)
            self.fingerprints = dict(schools.exclude(gias_fingerprint="").values_list("urn", "gias_fingerprint"))
        self.las = {la.code: la} if la else {x.code: x for x in LocalAuthority.objects.all()}
        self.types = {
            name.lower(): in_scope for name, in_scope in EstablishmentType.objects.values_list("name", "in_scope")
        }
        # A new school is news only to an LA that already has a register: an LA's first import
        # would otherwise announce every school it has.
        with scopes_disabled():
            self.las_with_schools = set(School.objects.values_list("la__code", flat=True).distinct())

    # --- reading one row -------------------------------------------------------------------
    def parse(self, line: int, row: dict[str, str]):
        errors: list[RowError] = []

        def error(column: str, message: str) -> None:
            errors.append(RowError(line, column, row.get(column, ""), message))

        la_code = row["LA (code)"]
        # A malformed code is an error, never "another LA's row": the row might be ours.
        if not re.fullmatch(r"[0-9]{3}", la_code):
            error("LA (code)", "An LA code is 3 digits, like 926.")
            return None, errors
        outside = OUTSIDE_ENGLAND.get(row.get("GOR (name)", "").lower())
        if outside:
            return Skipped(outside), []
        if self.la is not None and la_code != self.la.code:
            return Skipped(ANOTHER_LA), []  # not checked: it is not this LA's to fix
        kind = row.get(TYPE_COLUMN, "")
        if kind and not self.types.get(kind.lower(), False):
            if kind.lower() in self.types:
                return Skipped(f"Not in the register's scope: {kind}"), []
            # A type GIAS added later: reported by name for the site administrator to decide.
            return Skipped(f"Establishment type the portal does not know yet: {kind}"), []
        urn = row["URN"]
        fingerprint = row_fingerprint(row)
        if self.fingerprints.get(urn) == fingerprint:
            # The very row this school was last imported from: valid then, and nothing to write.
            first_line = self.seen.setdefault(urn, line)
            if first_line != line:
                error("URN", f"This URN is already on line {first_line}.")
                return None, errors
            return {"urn": urn, "unchanged": True}, []
        if not re.fullmatch(r"[0-9]{6}", urn):
            error("URN", "A URN is 6 digits.")
        if la_code not in self.las and REGIONS.get(row.get("GOR (name)", "").lower()) is None:
            error("LA (code)", f"LA {la_code} is not in the portal; add it first, or include “GOR (name)”.")

        values: dict = {"urn": urn, "la_code": la_code, "la_name": row.get("LA (name)", ""), "fingerprint": fingerprint}
        values["name"] = row["EstablishmentName"]
        if not values["name"]:
            error("EstablishmentName", "The school needs a name.")
        elif not self.checked and (problem := value_problem(School, "name", values["name"])):
            error("EstablishmentName", problem)
        values["status"] = STATUS.get(row["EstablishmentStatus (name)"].lower())
        if values["status"] is None:
            error("EstablishmentStatus (name)", "Not a status GIAS uses (Open, Closed, …).")
        values["phase"] = PHASE.get(row["PhaseOfEducation (name)"].lower())
        if values["phase"] is None:
            error("PhaseOfEducation (name)", "Not a phase GIAS uses (Secondary, Primary, …).")

        for column, name in OPTIONAL.items():
            if column not in row:
                continue
            try:
                value = _convert(name, row[column])
            except ValueError as problem:
                error(column, str(problem))
                continue
            if not self.checked and (problem := value_problem(School, name, value)):
                error(column, problem)
            else:
                values[name] = value
        if all(column in row for column in HEAD_COLUMNS):
            title = row["HeadTitle (name)"]
            parts = [] if title.lower() in ("", "not applicable") else [title]
            values["headteacher_name"] = " ".join(parts + [row["HeadFirstName"], row["HeadLastName"]]).strip()
            if not self.checked and (problem := value_problem(School, "headteacher_name", values["headteacher_name"])):
                error("HeadLastName", f"The headteacher's name: {problem}")
        low, high = values.get("statutory_low_age"), values.get("statutory_high_age")
        if low is not None and high is not None and high < low:
            error("StatutoryHighAge", "The highest age is below the lowest.")

        # The file is read twice; only a different line with the same URN is a duplicate.
        first_line = self.seen.setdefault(urn, line)
        if first_line != line:
            error("URN", f"This URN is already on line {first_line}.")
        if not errors and values["la_code"] not in self.las:
            values["region"] = REGIONS[row["GOR (name)"].lower()]
            if values["la_name"] and (problem := value_problem(LocalAuthority, "name", values["la_name"])):
                error("LA (name)", problem)
        return values, errors

    # --- checks against the database --------------------------------------------------------
    def check_batch(self, batch, outcome: Outcome) -> None:
        if self.la is None:
            return
        urns = [values["urn"] for _, values in batch]
        # URNs are unique across England: one that another LA holds cannot be taken here. This
        # reads only URN and LA code of other LAs' schools, to name the clash.
        with scopes_disabled():
            elsewhere = dict(School.objects.filter(urn__in=urns).exclude(la=self.la).values_list("urn", "la__code"))
        for line, values in batch:
            if values["urn"] in elsewhere:
                outcome.add_error(
                    RowError(
                        line, "URN", values["urn"], f"This URN belongs to a school of LA {elsewhere[values['urn']]}."
                    )
                )
                outcome.counts["rejected"] += 1

    # --- writing ----------------------------------------------------------------------------
    def write_batch(self, batch, outcome: Outcome) -> None:
        unchanged = sum(1 for _, values in batch if values.get("unchanged"))
        outcome.counts["unchanged"] += unchanged
        if unchanged:
            batch = [(line, values) for line, values in batch if not values.get("unchanged")]
        urns = [values["urn"] for _, values in batch]
        manager = School.objects if self.la else School.objects.with_scopes_disabled()
        existing = {school.urn: school for school in manager.filter(urn__in=urns)}
        to_create, to_update, fingerprint_only, changed_fields = [], [], [], set()
        for _, values in batch:
            la = self._la_for(values)
            fields = {name: values[name] for name in FIELDS[1:] if name in values}
            fields["la_id"] = la.pk
            school = existing.get(values["urn"])
            if school is None:
                to_create.append(School(urn=values["urn"], gias_fingerprint=values["fingerprint"], **fields))
                if la.code in self.las_with_schools and fields.get("status") != Status.CLOSED:
                    outcome.add_change(
                        {"urn": values["urn"], "name": fields["name"], "change": "Opened.", "la": la.code}
                    )
                continue
            differences = [name for name, value in fields.items() if getattr(school, name) != value]
            if school.gias_fingerprint != values["fingerprint"]:
                school.gias_fingerprint = values["fingerprint"]
                if not differences:
                    fingerprint_only.append(school)
            if not differences:
                outcome.counts["unchanged"] += 1
                continue
            changed_fields.add("gias_fingerprint")
            for change in _notable_changes(school, fields):
                outcome.add_change({**change, "la": la.code})
            for name in differences:
                setattr(school, name, fields[name])
            changed_fields.update(differences)
            to_update.append(school)
        if to_create:
            School.objects.bulk_create(to_create)
            outcome.counts["created"] += len(to_create)
        if to_update:
            now = timezone.now()
            for school in to_update:
                school.updated_at = now  # bulk_update does not run auto_now
            manager.bulk_update(to_update, sorted(changed_fields | {"updated_at"}))
            outcome.counts["updated"] += len(to_update)
        if fingerprint_only:
            manager.bulk_update(fingerprint_only, ["gias_fingerprint"])

    def _la_for(self, values) -> LocalAuthority:
        code = values["la_code"]
        if code not in self.las:
            self.las[code], _ = LocalAuthority.objects.get_or_create(
                code=code, defaults={"name": values["la_name"] or f"LA {code}", "region": values["region"]}
            )
        return self.las[code]


def row_fingerprint(row: dict[str, str]) -> str:
    """A digest of the columns read from a row: the same digest means the same school record."""
    joined = "\x1f".join(f"{name}\x1e{row[name]}" for name in sorted(row))
    return hashlib.blake2b(joined.encode(), digest_size=16).hexdigest()


# Sensible ranges: an age or a head count outside them is a typo, not a school.
WHOLE_NUMBER_RANGES = {"statutory_low_age": (0, 25), "statutory_high_age": (0, 25), "number_of_pupils": (0, 100_000)}
DATE_YEARS = (1800, 2100)


def _convert(name: str, raw: str):
    """The field's value from the cell, or ValueError with what a person should fix."""
    if name in ("easting", "northing"):
        if raw in ("", "SUPP", "NA", "NE", "0"):
            return None
        if not re.fullmatch(r"[0-9]{1,7}", raw) or int(raw) > 1_300_000:
            raise ValueError("Enter a British National Grid coordinate in metres, like 623400.")
        return int(raw)
    if name in WHOLE_NUMBER_RANGES:
        if raw == "":
            return None
        if not re.fullmatch(r"[0-9]{1,9}", raw):
            raise ValueError("Enter a whole number.")
        low, high = WHOLE_NUMBER_RANGES[name]
        if not low <= int(raw) <= high:
            raise ValueError(f"Enter a number from {low} to {high:,}.")
        return int(raw)
    if name == "percentage_fsm":
        if raw in ("", "SUPP", "NA", "NE"):
            return None
        if not re.fullmatch(r"[0-9]{1,3}(\.[0-9]{1,2})?", raw):
            raise ValueError("Enter a percentage, like 23.5.")
        value = Decimal(raw)
        if not 0 <= value <= 100:
            raise ValueError("A percentage is between 0 and 100.")
        return value.quantize(Decimal("0.01"))
    if name in ("opened_on", "closed_on"):
        if raw == "":
            return None
        if not re.fullmatch(r"[0-9]{2}-[0-9]{2}-[0-9]{4}", raw):
            raise ValueError("Enter the date as DD-MM-YYYY.")
        try:
            value = datetime.datetime.strptime(raw, "%d-%m-%Y").date()
        except ValueError:
            raise ValueError("Enter a real date as DD-MM-YYYY.") from None
        if not DATE_YEARS[0] <= value.year <= DATE_YEARS[1]:
            raise ValueError(f"Enter a date between {DATE_YEARS[0]} and {DATE_YEARS[1]}.")
        return value
    if name == "ofsted_rating":
        if raw.lower() not in OFSTED:
            raise ValueError("Not an Ofsted rating (Outstanding, Good, Requires improvement, …).")
        return OFSTED[raw.lower()]
    if name == "establishment_number":
        if raw and not re.fullmatch(r"[0-9]{4}", raw):
            raise ValueError("An establishment number is 4 digits.")
        return raw
    if name == "postcode":
        return raw.upper()
    if name == "county":
        # GIAS writes "Not applicable" for London boroughs and unitary areas.
        return "" if raw.lower() == "not applicable" else raw
    return raw


def _notable_changes(school: School, fields: dict) -> list[dict]:
    """What people should hear about: a new headteacher, a closure, a conversion (new schools: write_batch)."""
    changes = []

    def note(what: str) -> None:
        changes.append({"urn": school.urn, "name": school.name, "change": what})

    new_head = fields.get("headteacher_name")
    if new_head is not None and school.headteacher_name and new_head != school.headteacher_name:
        note(f"Headteacher changed from {school.headteacher_name} to {new_head or 'nobody recorded'}.")
    new_status = fields.get("status")
    if new_status in (Status.CLOSED, Status.PROPOSED_TO_CLOSE) and new_status != school.status:
        note(f"Now {Status(new_status).label.lower()}.")
    new_type = fields.get("establishment_type")
    if (
        new_type
        and new_type != school.establishment_type
        and "academ" in new_type.lower()
        and "academ" not in school.establishment_type.lower()
    ):
        note(f"Converted: now {new_type} (was {school.establishment_type or 'not recorded'}).")
    elif fields.get("trust_name") and fields["trust_name"] != school.trust_name:
        note(f"Now in {fields['trust_name']}.")
    return changes
