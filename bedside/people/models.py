"""People and organisation: system > site > department > unit, job roles, persons, jobs, access, tokens."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(f"{value!r} is not a time zone name such as America/New_York") from exc


class System(models.Model):
    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    system = models.ForeignKey(System, on_delete=models.PROTECT, related_name="sites")
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    time_zone = models.CharField(max_length=64, default="America/New_York", validators=[validate_time_zone])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Department(models.Model):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="departments")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="department_unique_name_per_site")
        ]

    def __str__(self) -> str:
        return self.name


class UnitKind(models.TextChoices):
    ICU = "icu", "Intensive care"
    STEP_DOWN = "step_down", "Step-down"
    MED_SURG = "med_surg", "Medical-surgical"
    ED = "ed", "Emergency department"
    OR = "or", "Operating room"
    PACU = "pacu", "Post-anaesthesia care"
    LABOR = "labor", "Labor and delivery"
    NICU = "nicu", "Neonatal ICU"
    PEDS = "peds", "Paediatrics"
    PSYCH = "psych", "Behavioural health"
    ONCOLOGY = "oncology", "Oncology"
    AMBULATORY = "ambulatory", "Ambulatory clinic"
    PHARMACY = "pharmacy", "Pharmacy"
    RESPIRATORY = "respiratory", "Respiratory therapy"
    FLOAT = "float", "Float pool"
    ADMIN = "admin", "Administrative"


class UnitTag(models.Model):
    name = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="units")
    # Denormalised from department so scope and compliance filters stay one join short.
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="units")
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=UnitKind.choices)
    beds = models.PositiveIntegerField(default=0)
    tags = models.ManyToManyField(UnitTag, blank=True, related_name="units")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.department_id and self.site_id and self.department.site_id != self.site_id:
            raise ValidationError("A unit's site must be its department's site.")


class JobRole(models.Model):
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=100)
    clinical = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PersonStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    LEAVE = "leave", "On leave"
    TERMINATED = "terminated", "Terminated"


class PersonManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str | None = None, password: str | None = None, **fields):
        email = self.normalize_email(email).lower() if email else None
        person = self.model(email=email, **fields)
        person.set_password(password)
        person.save(using=self._db)
        return person

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class Person(AbstractBaseUser, PermissionsMixin):
    """A person and their account: staff, trainees and external learners alike."""

    email = models.EmailField(unique=True, null=True, blank=True)
    # An identifier from HR, matched without regard to case ("Z20001" is "z20001") and stored as first given.
    employee_id = models.CharField(
        max_length=40,
        null=True,
        blank=True,
        validators=[
            RegexValidator(
                r"^[!-~]+$",
                "An employee id holds letters A-Z, digits and punctuation only (no spaces or accents).",
            )
        ],
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    hire_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=PersonStatus.choices, default=PersonStatus.ACTIVE)
    is_staff = models.BooleanField(default=False, help_text="May open the admin site.")
    is_active = models.BooleanField(default=True, help_text="May sign in.")
    created_at = models.DateTimeField(default=timezone.now)

    objects = PersonManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="person_email_unique_ci"),
            models.UniqueConstraint(
                Lower("employee_id"),
                name="person_employee_id_unique_ci",
                violation_error_message="Another person has this employee id (employee ids ignore case).",
            ),
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def clean(self) -> None:
        # Absent identifiers are NULL, never "", so uniqueness holds only for real values.
        self.email = self.email.strip().lower() if self.email else None
        self.employee_id = self.employee_id.strip() if self.employee_id else None


class Job(models.Model):
    """A person's job on a unit; history is kept by ending jobs, never deleting them."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="jobs")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="jobs")
    job_role = models.ForeignKey(JobRole, on_delete=models.PROTECT, related_name="jobs")
    fte = models.DecimalField(max_digits=3, decimal_places=2, default=1)
    primary = models.BooleanField(default=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["person_id", "-primary", "start_date"]
        indexes = [
            models.Index(fields=["unit", "job_role"]),
            models.Index(fields=["person", "end_date"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(fte__gt=0, fte__lte=1), name="job_fte_between_0_and_1"),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="job_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.job_role} · {self.unit}"


def active_jobs(on) -> models.QuerySet[Job]:
    """Jobs held on date `on` by persons not terminated."""
    return Job.objects.filter(start_date__lte=on).filter(
        models.Q(end_date__isnull=True) | models.Q(end_date__gte=on)
    )


class Capability(models.TextChoices):
    LEARN = "learn", "Learn"
    TEACH = "teach", "Teach"
    VALIDATE = "validate", "Validate skills"
    MANAGE = "manage", "Manage"
    CURATE = "curate", "Curate the library"
    COORDINATE = "coordinate", "Coordinate a program"
    CME = "cme", "Run CME"
    REPORT = "report", "Report"
    ADMINISTER = "administer", "Administer"


class ScopeKind(models.TextChoices):
    SYSTEM = "system", "Whole system"
    SITE = "site", "Site"
    DEPARTMENT = "department", "Department"
    UNIT = "unit", "Unit"
    PROGRAM = "program", "Program"


class ProgramKind(models.TextChoices):
    RESIDENCY = "residency", "Residency"
    PIPELINE = "pipeline", "Pipeline"
    EDUCATION = "education", "Education"


class Program(models.Model):
    """A program people are enrolled in (a residency, a pipeline cohort, a course of study).

    It is the target of program-scoped grants: a coordinator holds `coordinate` over it
    and sees its enrolled persons, whether or not they hold a job.
    """

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=12, choices=ProgramKind.choices)
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.PROTECT, related_name="programs")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProgramEnrolment(models.Model):
    """A person enrolled in a program from `start_date` to `end_date` (inclusive; open when empty)."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="enrolments")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="enrolments")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["program_id", "person_id", "start_date"]
        indexes = [models.Index(fields=["person", "end_date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="enrolment_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.program}"


def active_enrolments(on) -> models.QuerySet[ProgramEnrolment]:
    """Enrolments current on date `on` in active programs."""
    return ProgramEnrolment.objects.filter(start_date__lte=on, program__active=True).filter(
        models.Q(end_date__isnull=True) | models.Q(end_date__gte=on)
    )


# The reference column each scope kind points through; the system scope points at nothing.
SCOPE_FIELDS = {
    ScopeKind.SITE: "site",
    ScopeKind.DEPARTMENT: "department",
    ScopeKind.UNIT: "unit",
    ScopeKind.PROGRAM: "program",
}


def _exactly_the_matching_target() -> models.Q:
    unset = {f"{field}__isnull": True for field in SCOPE_FIELDS.values()}
    condition = models.Q(scope_kind=ScopeKind.SYSTEM, **unset)
    for kind, field in SCOPE_FIELDS.items():
        others = {f"{f}__isnull": True for f in SCOPE_FIELDS.values() if f != field}
        condition |= models.Q(scope_kind=kind, **{f"{field}__isnull": False}, **others)
    return condition


class Grant(models.Model):
    """A capability over a scope, optionally from one date to another (inclusive, in the holder's local day).

    The scope is a real reference (site, department, unit or program; none for the whole
    system), so a grant cannot point at something that does not exist, and deleting a
    scope that grants point at is refused.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="grants")
    capability = models.CharField(max_length=20, choices=Capability.choices)
    scope_kind = models.CharField(max_length=12, choices=ScopeKind.choices)
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    program = models.ForeignKey(Program, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField(null=True, blank=True, help_text="First day it holds; empty: already")
    ends_on = models.DateField(null=True, blank=True, help_text="Last day it holds; empty: until removed")
    granted_at = models.DateTimeField(default=timezone.now)
    granted_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["person_id", "capability"]
        indexes = [models.Index(fields=["capability", "scope_kind"])]
        constraints = [
            models.UniqueConstraint(
                "person",
                "capability",
                "scope_kind",
                Coalesce("site", "department", "unit", "program", models.Value(0)),
                Coalesce("starts_on", models.Value(dt.date(1, 1, 1))),
                name="grant_unique",
                violation_error_message="This person already holds this capability over this scope from that date.",
            ),
            models.CheckConstraint(
                condition=_exactly_the_matching_target(),
                name="grant_scope_matches_kind",
                violation_error_message="Choose the one site, department, unit or program the scope kind names "
                "(nothing for the whole system).",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="grant_ends_after_start",
                violation_error_message="A grant cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.capability} @ {self.scope_kind}:{self.scope or '*'}"

    @property
    def scope(self) -> models.Model | None:
        """The site, department, unit or program the grant covers; None for the whole system."""
        field = SCOPE_FIELDS.get(self.scope_kind)
        return getattr(self, field) if field else None

    @property
    def scope_id(self) -> int | None:
        field = SCOPE_FIELDS.get(self.scope_kind)
        return getattr(self, f"{field}_id") if field else None

    def holds_on(self, day: dt.date) -> bool:
        return (self.starts_on is None or self.starts_on <= day) and (
            self.ends_on is None or day <= self.ends_on
        )

    def clean(self) -> None:
        errors: dict[str, str] = {}
        field = SCOPE_FIELDS.get(self.scope_kind)
        for other in SCOPE_FIELDS.values():
            if other != field and getattr(self, f"{other}_id") is not None:
                errors[other] = f"A {self.get_scope_kind_display().lower()} grant does not name a {other}."
        if field and getattr(self, f"{field}_id") is None:
            errors[field] = f"Choose the {field} this grant covers."
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "A grant cannot end before it starts."
        if errors:
            raise ValidationError(errors)


class Audience(models.Model):
    """Who something is for: job roles x units x unit kinds x tags x sites x departments.

    Within a dimension any value matches; across dimensions all must match; an
    empty dimension matches everyone. Included persons are added, excluded removed; an
    audience of included persons and no dimension is just those persons.
    """

    name = models.CharField(max_length=200)
    job_roles = models.ManyToManyField(JobRole, blank=True, related_name="+")
    units = models.ManyToManyField(Unit, blank=True, related_name="+")
    unit_kinds = models.JSONField(default=list, blank=True)
    unit_tags = models.ManyToManyField(UnitTag, blank=True, related_name="+")
    sites = models.ManyToManyField(Site, blank=True, related_name="+")
    departments = models.ManyToManyField(Department, blank=True, related_name="+")
    include_persons = models.ManyToManyField(Person, blank=True, related_name="+")
    exclude_persons = models.ManyToManyField(Person, blank=True, related_name="+")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def members(self, on=None) -> models.QuerySet[Person]:
        from bedside.people.audiences import audience_members

        return audience_members(self, on=on)


class ApiToken(models.Model):
    """A bearer token for an integration, acting as one person with that person's grants.

    Only a SHA-256 of the token is stored; the token itself is shown once.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
