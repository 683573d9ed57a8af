"""Reading GIAS's links file (links_edubasealldataYYYYMMDD.csv): which school succeeded which.

Each link is listed from both schools; the register keeps it once, as predecessor and successor.
Links to establishments outside the register (Welsh, independent, closed decades ago) are skipped
and counted, like out-of-scope rows of the extract.
"""

import re

from django_scopes import scopes_disabled

from tenancy.models import LocalAuthority

from .gias import ANOTHER_LA, _convert
from .imports import Outcome, RowError, Skipped, value_problem
from .models import School, SchoolLink, Status

REQUIRED = ("URN", "LinkURN", "LinkType")
COLUMNS = frozenset(REQUIRED) | {"LinkName", "LinkEstablishedDate"}
NOT_IN_REGISTER = "Links to an establishment not in the register"
ACROSS_LAS = "Links between schools of two LAs"
OTHER_HALF = "The same link, listed from the other school"
NOT_SUCCESSION = "Links that say neither school succeeded the other"


class LinksImporter:
    """Upserts links by (predecessor, successor). For an LA import, only links of the LA's schools."""

    required_columns = REQUIRED
    columns = COLUMNS

    def __init__(self, *, la: LocalAuthority | None):
        self.la = la
        # URN, LA and status only, of every school, to place each link: a few MB for all of England.
        with scopes_disabled():
            self.schools = {
                urn: (pk, la_id, status)
                for urn, pk, la_id, status in School.objects.values_list("urn", "pk", "la_id", "status").iterator()
            }
        self.seen: dict[tuple[str, str], int] = {}

    def parse(self, line: int, row: dict[str, str]):
        errors: list[RowError] = []

        def error(column: str, message: str) -> None:
            errors.append(RowError(line, column, row.get(column, ""), message))

        urn, link_urn, link_type = row["URN"], row["LinkURN"], row["LinkType"]
        if not re.fullmatch(r"[0-9]{6}", urn):
            error("URN", "A URN is 6 digits.")
        if not re.fullmatch(r"[0-9]{6}", link_urn):
            error("LinkURN", "A URN is 6 digits.")
        elif link_urn == urn:
            error("LinkURN", "A school cannot be linked to itself.")
        if not link_type:
            error("LinkType", "Say how the schools are linked (Predecessor, Successor, …).")
        elif problem := value_problem(SchoolLink, "link_type", link_type):
            error("LinkType", problem)
        if (name := row.get("LinkName", "")) and (problem := value_problem(School, "name", name)):
            error("LinkName", problem)
        established = None
        if "LinkEstablishedDate" in row:
            try:
                established = _convert("opened_on", row["LinkEstablishedDate"])
            except ValueError as problem:
                error("LinkEstablishedDate", str(problem))
        if errors:
            return None, errors

        kind = link_type.lower()
        if kind.startswith("predecessor"):
            predecessor, successor = link_urn, urn
        elif kind.startswith("successor"):
            predecessor, successor = urn, link_urn
        elif kind.startswith("merged"):
            # "Merged - expansion of school capacity": the school that closed merged into the other.
            closed = [u for u in (urn, link_urn) if self.schools.get(u, (0, 0, ""))[2] == Status.CLOSED]
            if len(closed) != 1:
                return Skipped(NOT_SUCCESSION), []
            predecessor = closed[0]
            successor = link_urn if predecessor == urn else urn
        else:
            return Skipped(NOT_SUCCESSION), []
        if predecessor not in self.schools or successor not in self.schools:
            return Skipped(NOT_IN_REGISTER), []
        pred_pk, pred_la, _ = self.schools[predecessor]
        succ_pk, succ_la, _ = self.schools[successor]
        if self.la is not None and self.la.pk not in (pred_la, succ_la):
            return Skipped(ANOTHER_LA), []
        if pred_la != succ_la:
            return Skipped(ACROSS_LAS), []
        # The file is read twice; only a different line naming the same pair is the other half.
        first_line = self.seen.setdefault((predecessor, successor), line)
        if first_line != line:
            return Skipped(OTHER_HALF), []
        values = {
            "predecessor_id": pred_pk,
            "successor_id": succ_pk,
            "link_type": link_type,
            "established_on": established,
        }
        return values, []

    def check_batch(self, batch, outcome: Outcome) -> None:
        return None

    def write_batch(self, batch, outcome: Outcome) -> None:
        manager = SchoolLink.objects if self.la else SchoolLink.objects.with_scopes_disabled()
        pairs = {(v["predecessor_id"], v["successor_id"]) for _, v in batch}
        existing = {
            (link.predecessor_id, link.successor_id): link
            for link in manager.filter(predecessor_id__in={p for p, _ in pairs}, successor_id__in={s for _, s in pairs})
        }
        to_create, to_update = [], []
        for _, values in batch:
            link = existing.get((values["predecessor_id"], values["successor_id"]))
            if link is None:
                to_create.append(
                    SchoolLink(
                        predecessor_id=values["predecessor_id"],
                        successor_id=values["successor_id"],
                        link_type=values["link_type"],
                        established_on=values["established_on"],
                    )
                )
            elif (link.link_type, link.established_on) != (values["link_type"], values["established_on"]):
                link.link_type, link.established_on = values["link_type"], values["established_on"]
                to_update.append(link)
            else:
                outcome.counts["unchanged"] += 1
        if to_create:
            SchoolLink.objects.bulk_create(to_create)
            outcome.counts["created"] += len(to_create)
        if to_update:
            manager.bulk_update(to_update, ["link_type", "established_on"])
            outcome.counts["updated"] += len(to_update)
