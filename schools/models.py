"""The LA's register of schools, their results by year, and Gaining Ground eligibility."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from jobs.models import Job
from tenancy.academic_year import current_academic_year
from tenancy.scoping import ScopedManager


class Phase(models.TextChoices):
    SECONDARY = "secondary", "Secondary"
    ALL_THROUGH = "all-through", "All-through"
    MIDDLE_DEEMED_SECONDARY = "middle-secondary", "Middle deemed secondary"
    MIDDLE_DEEMED_PRIMARY = "middle-primary", "Middle deemed primary"
    PRIMARY = "primary", "Primary"
    NURSERY = "nursery", "Nursery"
    SIXTEEN_PLUS = "16-plus", "16 plus"
    NOT_APPLICABLE = "not-applicable", "Not applicable"


class Status(models.TextChoices):
    OPEN = "open", "Open"
    PROPOSED_TO_CLOSE = "proposed-to-close", "Open, but proposed to close"
    PROPOSED_TO_OPEN = "proposed-to-open", "Proposed to open"
    CLOSED = "closed", "Closed"


class OfstedRating(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires-improvement", "Requires improvement"
    SATISFACTORY = "satisfactory", "Satisfactory"
    INADEQUATE = "inadequate", "Inadequate"
    SERIOUS_WEAKNESSES = "serious-weaknesses", "Serious weaknesses"
    SPECIAL_MEASURES = "special-measures", "Special measures"


percentage = [MinValueValidator(0), MaxValueValidator(100)]
# Sensible ranges of the measures, written once: the model validators, the database constraints
# (so SQLite cannot store what a page could not read back), the entry form and the CSV import
# all use them. CVA is centred on 1000; a year group of more than 10,000 pupils is a typo.
RESULT_RANGES = {
    "five_ac_em": (0, 100),
    "progress_english": (0, 100),
    "progress_maths": (0, 100),
    "percentage_fsm": (0, 100),
    "cohort": (0, 10000),
    "cva": (0, 2000),
    "cva_lower": (0, 2000),
    "cva_upper": (0, 2000),
}


def within(name: str) -> list:
    low, high = RESULT_RANGES[name]
    return [MinValueValidator(low), MaxValueValidator(high)]


def range_constraints(prefix: str, names) -> list:
    return [
        models.CheckConstraint(
            name=f"{prefix}_{name}_in_range",
            condition=Q(**{f"{name}__isnull": True})
            | Q(**{f"{name}__gte": RESULT_RANGES[name][0], f"{name}__lte": RESULT_RANGES[name][1]}),
        )
        for name in names
    ]


def gaining_ground_q(prefix: str = "", year: int | None = None) -> Q:
    """In Gaining Ground in an academic year (this one by default): joined by then and not yet left.

    ``prefix`` reaches a school from another model (``"school__"``). ``School.in_gaining_ground_in``
    is the same rule for a school already loaded.
    """
    year = current_academic_year() if year is None else year
    return Q(**{f"{prefix}gaining_ground_joined__lte": year}) & (
        Q(**{f"{prefix}gaining_ground_left__isnull": True}) | Q(**{f"{prefix}gaining_ground_left__gt": year})
    )


class SchoolQuerySet(models.QuerySet):
    def open(self):
        """Schools not closed: the default lists, caseload pickers and matching candidates take these.

        A closed school keeps its history (visits, plans, reports, results) and is reached by URN.
        """
        return self.exclude(status=Status.CLOSED)

    def closed(self):
        return self.filter(status=Status.CLOSED)

    def in_gaining_ground(self):
        return self.filter(gaining_ground_q())

    def not_in_gaining_ground(self):
        return self.exclude(gaining_ground_q())


class SchoolManager(models.Manager.from_queryset(SchoolQuerySet)):
    # Through all(), so an unscoped call raises ScopeError like any other query.
    def open(self):
        return self.all().open()

    def closed(self):
        return self.all().closed()

    def in_gaining_ground(self):
        return self.all().in_gaining_ground()

    def not_in_gaining_ground(self):
        return self.all().not_in_gaining_ground()


class School(models.Model):
    la = models.ForeignKey("tenancy.LocalAuthority", on_delete=models.PROTECT, related_name="schools")
    urn = models.CharField(
        "URN",
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^\d{6}$", "Enter the 6-digit unique reference number (URN).")],
    )
    establishment_number = models.CharField(
        max_length=4, blank=True, validators=[RegexValidator(r"^\d{4}$", "Enter the 4-digit establishment number.")]
    )
    name = models.CharField(max_length=200)
    establishment_type = models.CharField("type", max_length=120, blank=True)
    phase = models.CharField(max_length=20, choices=Phase.choices, default=Phase.SECONDARY)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    statutory_low_age = models.PositiveSmallIntegerField(null=True, blank=True)
    statutory_high_age = models.PositiveSmallIntegerField(null=True, blank=True)
    number_of_pupils = models.PositiveIntegerField(null=True, blank=True)
    percentage_fsm = models.DecimalField(
        "% FSM", max_digits=5, decimal_places=2, null=True, blank=True, validators=percentage
    )
    # The address as GIAS records it: real rows often leave Town empty and name the town in
    # Address3 or Locality, so all the parts are kept and `address` joins those present.
    street = models.CharField(max_length=200, blank=True)
    locality = models.CharField(max_length=100, blank=True)
    address3 = models.CharField("address line 3", max_length=100, blank=True)
    town = models.CharField(max_length=100, blank=True)
    county = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    # British National Grid metres, from GIAS; partner matching measures distance with them.
    easting = models.PositiveIntegerField(null=True, blank=True)
    northing = models.PositiveIntegerField(null=True, blank=True)
    headteacher_name = models.CharField(max_length=200, blank=True)
    ofsted_rating = models.CharField(max_length=30, choices=OfstedRating.choices, blank=True)
    trust_name = models.CharField("trust", max_length=200, blank=True)
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    gaining_ground_joined = models.PositiveSmallIntegerField(
        "joined Gaining Ground", null=True, blank=True, help_text="Academic year it joined, e.g. 2026 for 2026/27."
    )
    gaining_ground_left = models.PositiveSmallIntegerField("left Gaining Ground", null=True, blank=True)
    # Bumped by edits people make in the portal (Gaining Ground membership), so a stale form is refused.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    # Digest of the GIAS row this record was last imported from (see gias.row_fingerprint).
    gias_fingerprint = models.CharField(max_length=32, blank=True, editable=False)

    objects = ScopedManager(la="la", _manager_class=SchoolManager)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(urn__regex=r"^[0-9]{6}$"), name="school_urn_six_digits"),
            models.CheckConstraint(
                name="school_gaining_ground_years_in_order",
                condition=Q(gaining_ground_left__isnull=True)
                | Q(gaining_ground_joined__isnull=False, gaining_ground_left__gte=models.F("gaining_ground_joined")),
            ),
            models.CheckConstraint(
                name="school_ages_in_order",
                condition=Q(statutory_low_age__isnull=True)
                | Q(statutory_high_age__isnull=True)
                | Q(statutory_high_age__gte=models.F("statutory_low_age")),
            ),
        ]
        indexes = [
            models.Index(fields=["la", "name"]),
            models.Index(fields=["la", "phase"]),
            models.Index(fields=["la", "ofsted_rating"]),
            models.Index(fields=["la", "gaining_ground_joined"]),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # Saved whole (the admin, the demo): the record may differ from its last GIAS row, so the
        # next import reads that row in full. Imports write in bulk, without save().
        if kwargs.get("update_fields") is None:
            self.gias_fingerprint = ""
        super().save(*args, **kwargs)

    @property
    def in_gaining_ground(self) -> bool:
        """In Gaining Ground this academic year."""
        return self.in_gaining_ground_in(current_academic_year())

    def in_gaining_ground_in(self, academic_year: int) -> bool:
        """The rule of ``gaining_ground_q``, for a school already loaded.

        Joined by that year and not left by it (a school leaves at the start of the year it names).
        """
        joined, left = self.gaining_ground_joined, self.gaining_ground_left
        return joined is not None and joined <= academic_year and (left is None or left > academic_year)

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED

    @property
    def laestab(self) -> str:
        return f"{self.la.code}{self.establishment_number}" if self.establishment_number else ""

    @property
    def address(self) -> str:
        """The postal address on one line: the parts recorded, each once, in the order of a letter."""
        parts: list[str] = []
        for part in (self.street, self.locality, self.address3, self.town, self.county, self.postcode):
            part = part.strip()
            if part and part.lower() not in (p.lower() for p in parts):
                parts.append(part)
        return ", ".join(parts)


class PupilGroup(models.TextChoices):
    ALL = "all", "All pupils"
    FSM = "fsm", "Eligible for free school meals"
    NON_FSM = "non-fsm", "Not eligible for free school meals"
    BOYS = "boys", "Boys"
    GIRLS = "girls", "Girls"
    LOW_PRIOR = "low-prior", "Low prior attainment"
    MIDDLE_PRIOR = "middle-prior", "Middle prior attainment"
    HIGH_PRIOR = "high-prior", "High prior attainment"
    WHITE_BRITISH = "white-british", "White British"
    ASIAN = "asian", "Asian or Asian British"
    BLACK = "black", "Black or Black British"
    MIXED = "mixed", "Mixed ethnicity"
    CHINESE = "chinese", "Chinese"
    OTHER_ETHNIC = "other-ethnic", "Any other ethnic group"


class ResultFields(models.Model):
    """The measures recorded for a school (or nationally) in one year, for one pupil group."""

    academic_year = models.PositiveSmallIntegerField(help_text="The year the academic year starts, e.g. 2025.")
    group = models.CharField(max_length=20, choices=PupilGroup.choices, default=PupilGroup.ALL)
    five_ac_em = models.DecimalField(
        "% 5+ A*–C GCSEs incl. English and maths",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=percentage,
    )
    progress_english = models.DecimalField(
        "% expected progress in English", max_digits=5, decimal_places=1, null=True, blank=True, validators=percentage
    )
    progress_maths = models.DecimalField(
        "% expected progress in maths", max_digits=5, decimal_places=1, null=True, blank=True, validators=percentage
    )

    class Meta:
        abstract = True


class PerformanceResult(ResultFields):
    """One school's results in one academic year for one pupil group.

    CVA and its confidence interval, and the school's % FSM, are recorded on the all-pupils row.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="results")
    cohort = models.PositiveIntegerField("pupils in the cohort", null=True, blank=True, validators=within("cohort"))
    cva = models.DecimalField("CVA", max_digits=6, decimal_places=1, null=True, blank=True, validators=within("cva"))
    cva_lower = models.DecimalField(
        "CVA lower confidence limit", max_digits=6, decimal_places=1, null=True, blank=True, validators=within("cva")
    )
    cva_upper = models.DecimalField(
        "CVA upper confidence limit", max_digits=6, decimal_places=1, null=True, blank=True, validators=within("cva")
    )
    percentage_fsm = models.DecimalField(
        "% FSM", max_digits=5, decimal_places=1, null=True, blank=True, validators=percentage
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager(la="school__la")

    class Meta:
        ordering = ["academic_year", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "academic_year", "group"], name="one_result_per_school_year_group"
            ),
            models.CheckConstraint(
                name="cva_interval_contains_cva",
                condition=Q(cva__isnull=True)
                | Q(cva_lower__isnull=True, cva_upper__isnull=True)
                | Q(cva_lower__lte=models.F("cva"), cva_upper__gte=models.F("cva")),
            ),
            *range_constraints("result", RESULT_RANGES),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.academic_year} {self.get_group_display()}"


class NationalAverage(ResultFields):
    """National reference figures for one year and group. CVA is 1000 nationally by definition."""

    class Meta:
        ordering = ["academic_year", "group"]
        constraints = [models.UniqueConstraint(fields=["academic_year", "group"], name="one_national_average")]

    def __str__(self) -> str:
        return f"National {self.academic_year} {self.get_group_display()}"


class EligibilityCriterion(models.Model):
    """One of the ten Gaining Ground criteria, worded as in the handbook."""

    class Rule(models.TextChoices):
        THRESHOLD_BUT_LOW_PROGRESS = "threshold-low-progress", "Threshold above 30% but progress below average"
        NO_IMPROVEMENT = "no-improvement", "Little or no improvement in progression over three years"
        CVA_BELOW = "cva-below", "CVA significantly below average"
        FSM_GAP = "fsm-gap", "Significant FSM gap"

    number = models.PositiveSmallIntegerField(unique=True)
    text = models.TextField()
    most_likely = models.BooleanField(
        "most likely to be in evidence", default=False, help_text="Shown in italics in the handbook."
    )
    rule = models.CharField(
        max_length=30, choices=Rule.choices, blank=True, help_text="Set when the portal can suggest it from data."
    )

    class Meta:
        ordering = ["number"]
        verbose_name_plural = "eligibility criteria"

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"


class EligibilityAssessment(models.Model):
    """Whether one school meets one criterion, with the evidence, who decided and when."""

    class Finding(models.TextChoices):
        MET = "met", "Met"
        NOT_MET = "not-met", "Not met"
        NOT_ASSESSED = "not-assessed", "Not assessed"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="eligibility")
    criterion = models.ForeignKey(EligibilityCriterion, on_delete=models.PROTECT, related_name="assessments")
    finding = models.CharField(max_length=20, choices=Finding.choices, default=Finding.NOT_ASSESSED)
    evidence = models.TextField(blank=True)
    followed_suggestion = models.BooleanField(default=False)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = ScopedManager(la="school__la")

    class Meta:
        ordering = ["criterion__number"]
        constraints = [
            models.UniqueConstraint(fields=["school", "criterion"], name="one_assessment_per_school_criterion")
        ]
        indexes = [models.Index(fields=["criterion", "finding"])]

    def __str__(self) -> str:
        return f"{self.school}: criterion {self.criterion.number} {self.get_finding_display()}"


class EstablishmentType(models.Model):
    """A GIAS establishment type, and whether the register takes schools of that type.

    National reference data a site administrator keeps (Django admin). An extract's row of a
    type marked out of scope is skipped and counted; a type not listed here is reported.
    """

    name = models.CharField(max_length=120, unique=True, help_text="As GIAS writes it in “TypeOfEstablishment (name)”.")
    in_scope = models.BooleanField(default=False, help_text="Schools of this type are taken into the register.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SchoolLink(models.Model):
    """One school succeeding another (an academy conversion, an amalgamation, a split), from GIAS's links file.

    GIAS lists each link from both schools ("Successor" on one, "Predecessor" on the other); the
    register keeps it once, as predecessor and successor. The school's work carries over to the
    successor only when an LA administrator confirms the link.
    """

    predecessor = models.ForeignKey(School, on_delete=models.CASCADE, related_name="successor_links")
    successor = models.ForeignKey(School, on_delete=models.CASCADE, related_name="predecessor_links")
    link_type = models.CharField(max_length=100, help_text="As GIAS writes it, e.g. “Predecessor - amalgamated”.")
    established_on = models.DateField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager(la="successor__la")

    class Meta:
        ordering = ["established_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="one_link_per_pair_of_schools"),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="school_link_joins_two_schools"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class DataImport(Job):
    """One uploaded file and what importing it did. The file is kept with the record.

    A background job (jobs.models.Job): the row says whether it waits, runs or ended, and why.
    """

    task_name = "schools.run_data_import"
    # A national extract of 50,000 rows is read twice and written in one transaction.
    time_limit = 20 * 60

    class Kind(models.TextChoices):
        GIAS = "gias", "Schools (Get Information about Schools extract)"
        RESULTS = "results", "Performance data"
        LINKS = "links", "Links between schools: conversions, amalgamations (GIAS links file)"

    class State(models.TextChoices):
        REQUESTED = "requested", "Waiting to start"
        RUNNING = "running", "Importing"
        DONE = "done", "Imported"
        REJECTED = "rejected", "Not imported: the file has errors"
        FAILED = "failed", "Not imported: something went wrong"

    final_states = (State.DONE, State.REJECTED, State.FAILED)

    la = models.ForeignKey(
        "tenancy.LocalAuthority",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="data_imports",
        help_text="Empty for a national import by a site administrator.",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.REQUESTED)
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=255)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    rows_total = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    changes = models.JSONField(default=list, blank=True)
    change_count = models.PositiveIntegerField(default=0)
    skipped_reasons = models.JSONField(
        default=dict, blank=True, help_text="Rows left out on purpose, by reason (another LA's, Welsh, …)."
    )

    objects = ScopedManager(la="la")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["la", "-created_at"]), models.Index(fields=["state", "queued_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import of {self.original_name}"

    def on_failed(self) -> None:
        """Record the failure in the audit log and tell the person who uploaded the file, by email."""
        from audit.models import Action
        from audit.services import audit_record
        from jobs.emails import email_request

        audit_record(
            action=Action.DATA_IMPORT_FAILED,
            actor=self.requested_by,
            la=self.la,
            obj=self,
            detail={"file": self.original_name, "reason": self.failure[:500]},
        )
        if self.requested_by_id is None:
            return

        email_request(
            kind="import-failed",
            event_key=f"import-failed:{self.pk}",
            la_id=self.la_id,
            import_id=self.pk,
        )


class RegisterSource(models.Model):
    """Where the nightly refresh fetches the national extract (one row, kept in the Django admin).

    The outcome of the last attempt is kept here, so the site administrator sees why a night's
    refresh did not change the register; the next night tries again.
    """

    extract_url = models.URLField(
        "extract URL",
        max_length=500,
        blank=True,
        help_text="The national GIAS extract (edubasealldataYYYYMMDD.csv). Empty: no nightly refresh.",
    )
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_problem = models.TextField(blank=True, help_text="Why the last attempt left the register unchanged.")
    # An id, not a foreign key: a key to DataImport would make this national setting look like
    # tenant data (DataImport belongs to an LA, or to none for a national import).
    last_import_id = models.PositiveIntegerField("last import", null=True, blank=True)

    class Meta:
        verbose_name = "register source"

    def __str__(self) -> str:
        return self.extract_url or "No extract URL set"

    @property
    def last_import(self) -> DataImport | None:
        if self.last_import_id is None:
            return None
        return DataImport.objects.with_scopes_disabled().filter(pk=self.last_import_id).first()

    @classmethod
    def load(cls) -> "RegisterSource":
        source, _ = cls.objects.get_or_create(pk=1)
        return source
