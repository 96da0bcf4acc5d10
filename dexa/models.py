from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from bonetrack.core.date_display import format_day

from . import rules

BMD_MIN, BMD_MAX = Decimal("0.200"), Decimal("2.000")
SCORE_MIN, SCORE_MAX = Decimal("-7.0"), Decimal("6.0")
SCORE_WARN_LOW, SCORE_WARN_HIGH = Decimal("-5.0"), Decimal("4.0")


class ScannerMake(models.TextChoices):
    HOLOGIC = "hologic", "Hologic"
    GE_LUNAR = "ge_lunar", "GE Lunar"
    OTHER = "other", "Other"


class Source(models.TextChoices):
    SELF_REPORTED = "self", "Self-reported"
    CLINICIAN = "clinician", "Clinician-entered"
    IMPORTED = "imported", "Imported"


class Site(models.TextChoices):
    LUMBAR_SPINE = rules.LUMBAR_SPINE, rules.SITE_LABELS[rules.LUMBAR_SPINE]
    TOTAL_HIP = rules.TOTAL_HIP, rules.SITE_LABELS[rules.TOTAL_HIP]
    FEMORAL_NECK = rules.FEMORAL_NECK, rules.SITE_LABELS[rules.FEMORAL_NECK]
    RADIUS_33 = rules.RADIUS_33, rules.SITE_LABELS[rules.RADIUS_33]


class Side(models.TextChoices):
    NONE = "", "Not applicable"
    LEFT = "left", "Left"
    RIGHT = "right", "Right"


class Category(models.TextChoices):
    NONE = "", "No category"
    NORMAL = rules.NORMAL, rules.CATEGORY_LABELS[rules.NORMAL]
    OSTEOPENIA = rules.OSTEOPENIA, rules.CATEGORY_LABELS[rules.OSTEOPENIA]
    OSTEOPOROSIS = rules.OSTEOPOROSIS, rules.CATEGORY_LABELS[rules.OSTEOPOROSIS]
    SEVERE = rules.SEVERE, rules.CATEGORY_LABELS[rules.SEVERE]
    Z_BELOW = rules.Z_BELOW, rules.CATEGORY_LABELS[rules.Z_BELOW]
    Z_WITHIN = rules.Z_WITHIN, rules.CATEGORY_LABELS[rules.Z_WITHIN]


class GoalStatus(models.TextChoices):
    """R13: how a patient stands against their treatment goal (see goals.GoalSummary.status)."""

    NONE = "", "No status"
    REACHED = "reached", "Reached"
    ON_TRACK = "on_track", "On track"
    NOT_ON_TRACK = "not_on_track", "Not on track"
    NO_TREND = "no_trend", "No trend"


def _lsc_field(site: str):
    return models.DecimalField(
        f"LSC, {rules.SITE_LABELS[site]} (g/cm²)",
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=f"Least significant change (2.77 × precision error). Empty: the default "
        f"{rules.DEFAULT_LSC_FRACTION[site] * 100:.1f}% of the earlier BMD is used.",
    )


class FacilityQuerySet(models.QuerySet):
    def shared(self) -> "FacilityQuerySet":
        """Facilities everyone may choose: added by an administrator, or approved by one."""
        return self.filter(owner__isnull=True)

    def awaiting_approval(self) -> "FacilityQuerySet":
        return self.filter(owner__isnull=False)

    def available_to(self, patient) -> "FacilityQuerySet":
        """The shared facilities plus the ones typed in this patient's record (never another patient's)."""
        return self.filter(Q(owner__isnull=True) | Q(owner=patient))

    def find_for(self, patient, name: str) -> "Facility | None":
        """The facility of this name (any case) that the patient may use, a shared one first."""
        return self.available_to(patient).filter(name__iexact=name.strip()).order_by(F("owner").asc(nulls_first=True)).first()


class Facility(models.Model):
    """Where scans are done, with the clinic's own least significant change per site (R4).

    A name typed in a patient's record (scan form or CSV import) creates a facility owned by that record: only
    that patient's forms list it, until an administrator approves it for everyone.
    """

    name = models.CharField(max_length=120)
    owner = models.ForeignKey(
        "accounts.PatientProfile",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="own_facilities",
        help_text="The patient whose record this name was typed in. Only their forms list it until it is approved.",
    )
    lsc_lumbar_spine = _lsc_field(rules.LUMBAR_SPINE)
    lsc_total_hip = _lsc_field(rules.TOTAL_HIP)
    lsc_femoral_neck = _lsc_field(rules.FEMORAL_NECK)
    lsc_radius_33 = _lsc_field(rules.RADIUS_33)

    objects = FacilityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "facilities"
        constraints = [
            *(
                models.CheckConstraint(
                    condition=Q(**{f"lsc_{site}__isnull": True}) | Q(**{f"lsc_{site}__gt": 0}),
                    name=f"facility_lsc_{site}_positive",
                )
                for site in rules.SITES
            ),
            models.UniqueConstraint(fields=["name"], condition=Q(owner__isnull=True), name="facility_shared_name_unique"),
            models.UniqueConstraint(fields=["owner", "name"], condition=Q(owner__isnull=False), name="facility_own_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_shared(self) -> bool:
        return self.owner_id is None

    def lsc_for(self, site: str) -> Decimal | None:
        return getattr(self, f"lsc_{site}")

    def can_be_shared(self) -> bool:
        """False when a shared facility already has this name (rename this one first)."""
        return not Facility.objects.shared().filter(name__iexact=self.name).exclude(pk=self.pk).exists()

    def approve(self) -> None:
        """Share a patient's facility with everyone: every scan form lists it from now on."""
        self.owner = None
        self.save(update_fields=["owner"])


class DexaScanQuerySet(models.QuerySet):
    def for_patient(self, patient) -> "DexaScanQuerySet":
        return self.filter(patient=patient)

    def chronological(self) -> "DexaScanQuerySet":
        return self.order_by("scanned_on", "pk")

    def newest_first(self) -> "DexaScanQuerySet":
        return self.order_by("-scanned_on", "-pk")

    def unverified(self) -> "DexaScanQuerySet":
        return self.filter(verified_at__isnull=True)

    def latest_lowest_t_score(self) -> Decimal | None:
        """The lowest diagnostic-site T-score of the most recent scan in this set, or None without scans (one query)."""
        return self.newest_first().values_list("lowest_t_score", flat=True).first()


class DexaScan(models.Model):
    """One DEXA examination. The summary fields are derived from the measurements by `services.refresh_next_scan_due`."""

    patient = models.ForeignKey("accounts.PatientProfile", on_delete=models.CASCADE, related_name="dexa_scans")
    scanned_on = models.DateField("scan date")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="scans")
    make = models.CharField("scanner make", max_length=16, choices=ScannerMake.choices)
    model = models.CharField("scanner model", max_length=80, blank=True)
    source = models.CharField(max_length=16, choices=Source.choices)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # NOTE: derived summary, denormalized so that worklists and safety rules read one row per patient.
    category = models.CharField(max_length=16, choices=Category.choices, blank=True)
    diagnosis = models.CharField("diagnosis of record", max_length=16, choices=Category.choices, blank=True)
    # R1b: why the diagnosis of record is osteoporosis when a fragility fracture decided it, e.g.
    # "based on a vertebral fragility fracture, 2019" ('' when the T-scores decided it).
    diagnosis_reason = models.CharField("reason for the diagnosis", max_length=120, blank=True)
    lowest_t_score = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    lowest_t_site = models.CharField(max_length=16, choices=Site.choices, blank=True)
    change_status = models.CharField(max_length=16, blank=True, help_text="Most notable per-site change since the previous scan.")
    improvement = models.CharField(max_length=80, blank=True)
    # R13 with the patient's current goal, kept on the latest scan only ('' on the earlier ones) so that the worklist
    # shows and filters it in SQL; recomputed by `services.refresh_next_scan_due`, as the other summary fields.
    goal_status = models.CharField("treatment goal status", max_length=16, choices=GoalStatus.choices, blank=True)

    objects = DexaScanQuerySet.as_manager()

    class Meta:
        ordering = ["-scanned_on", "-pk"]
        get_latest_by = "scanned_on"
        indexes = [models.Index(fields=["patient", "scanned_on"]), models.Index(fields=["patient", "verified_at"])]
        constraints = [
            models.UniqueConstraint(fields=["patient", "scanned_on", "facility"], name="dexa_one_scan_per_day_and_facility"),
            models.CheckConstraint(condition=Q(make__in=ScannerMake.values), name="dexa_scan_make_valid"),
            models.CheckConstraint(condition=Q(source__in=Source.values), name="dexa_scan_source_valid"),
            models.CheckConstraint(condition=Q(category__in=Category.values), name="dexa_scan_category_valid"),
            models.CheckConstraint(condition=Q(diagnosis__in=Category.values), name="dexa_scan_diagnosis_valid"),
            models.CheckConstraint(condition=Q(goal_status__in=GoalStatus.values), name="dexa_scan_goal_status_valid"),
        ]

    def __str__(self) -> str:
        return f"DEXA scan of {format_day(self.scanned_on)} at {self.facility}"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def make_label(self) -> str:
        return " ".join(part for part in (self.get_make_display(), self.model) if part)


class SiteMeasurement(models.Model):
    """BMD, T-score and Z-score at one site of one scan."""

    scan = models.ForeignKey(DexaScan, on_delete=models.CASCADE, related_name="measurements")
    site = models.CharField(max_length=16, choices=Site.choices)
    side = models.CharField(max_length=5, choices=Side.choices, blank=True)
    bmd = models.DecimalField("BMD (g/cm²)", max_digits=4, decimal_places=3)
    t_score = models.DecimalField("T-score", max_digits=3, decimal_places=1)
    z_score = models.DecimalField("Z-score", max_digits=3, decimal_places=1, null=True, blank=True)

    class Meta:
        ordering = ["scan", "site"]
        constraints = [
            models.UniqueConstraint(fields=["scan", "site"], name="dexa_one_measurement_per_site"),
            models.CheckConstraint(condition=Q(site__in=Site.values), name="dexa_site_valid"),
            models.CheckConstraint(condition=Q(side__in=Side.values), name="dexa_side_valid"),
            models.CheckConstraint(condition=~Q(site=Site.LUMBAR_SPINE) | Q(side=""), name="dexa_spine_has_no_side"),
            models.CheckConstraint(condition=Q(bmd__gte=BMD_MIN, bmd__lte=BMD_MAX), name="dexa_bmd_plausible"),
            models.CheckConstraint(condition=Q(t_score__gte=SCORE_MIN, t_score__lte=SCORE_MAX), name="dexa_t_score_plausible"),
            models.CheckConstraint(
                condition=Q(z_score__isnull=True) | Q(z_score__gte=SCORE_MIN, z_score__lte=SCORE_MAX),
                name="dexa_z_score_plausible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_site_display()}: BMD {self.bmd}, T {self.t_score}"

    @property
    def reading(self) -> rules.Reading:
        return rules.Reading(self.site, self.t_score, self.z_score)


class ScanRevision(models.Model):
    """One change to a scan (entry, correction, verification): who, when, and each field's before → after."""

    scan = models.ForeignKey(DexaScan, on_delete=models.CASCADE, related_name="revisions")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=16)  # created | corrected | verified
    changes = models.JSONField(default=list, help_text='[{"field": ..., "before": ..., "after": ...}]')

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.changed_at:%Y-%m-%d %H:%M}"


# A report attachment: a PDF or an image of the DEXA report, at most 10 MB, type decided by its content.
REPORT_MAX_BYTES = 10 * 1024 * 1024
REPORT_CONTENT_TYPES = ("application/pdf", "image/jpeg", "image/png", "image/heic")


class ScanReportQuerySet(models.QuerySet):
    def for_patient(self, patient) -> "ScanReportQuerySet":
        return self.filter(patient=patient)


class ScanReport(models.Model):
    """The DEXA report as a file, kept under REPORT_ROOT (never under static or public media) and served only through
    the access check. `scan` is empty while a report is being read for a scan not yet saved (see ReportReading)."""

    patient = models.ForeignKey("accounts.PatientProfile", on_delete=models.CASCADE, related_name="scan_reports")
    scan = models.ForeignKey(DexaScan, null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    file_name = models.CharField(max_length=200, unique=True, help_text="The stored file, relative to REPORT_ROOT.")
    original_name = models.CharField(max_length=255, help_text="The name the file was uploaded with (shown, never trusted).")
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField(help_text="Bytes.")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ScanReportQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["patient", "scan"])]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0, size__lte=REPORT_MAX_BYTES), name="scanreport_size_limit"),
            models.CheckConstraint(condition=Q(content_type__in=REPORT_CONTENT_TYPES), name="scanreport_content_type_valid"),
        ]

    def __str__(self) -> str:
        return self.original_name


class ReadingStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Reading"
    DONE = "done", "Finished"
    FAILED = "failed", "Could not be read"


class ReportReading(models.Model):
    """Reading a report's values in the worker: progress for the page to poll, then the extracted values (see
    `dexa.reading`). Nothing becomes a scan until the patient confirms the pre-filled form."""

    report = models.OneToOneField(ScanReport, on_delete=models.CASCADE, related_name="reading")
    status = models.CharField(max_length=8, choices=ReadingStatus.choices, default=ReadingStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="0–100.")
    stage = models.CharField(max_length=80, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ReadingStatus.values), name="reportreading_status_valid"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="reportreading_progress_range"),
        ]

    def __str__(self) -> str:
        return f"Reading of {self.report}: {self.get_status_display()}"
