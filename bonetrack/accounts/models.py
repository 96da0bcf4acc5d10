import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery

from bonetrack.core.date_display import format_day
from bonetrack.core.timezones import validate_time_zone


class Role(models.TextChoices):
    PATIENT = "patient", "Patient"
    CLINICIAN = "clinician", "Clinician"
    ADMIN = "admin", "Admin"


CARE_TEAM_ROLES = frozenset({Role.CLINICIAN, Role.ADMIN})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True, role=Role.ADMIN)
        return self.create_user(email, password, **extra)


class DateFormat(models.TextChoices):
    """How dates are shown to a person (stored dates never change with it)."""

    DAY_MONTH_YEAR = "dmy", "29 Nov 2026"
    MONTH_DAY_YEAR = "mdy", "Nov 29, 2026"
    ISO = "iso", "2026-11-29"


class BodyUnits(models.TextChoices):
    """How height and weight are entered and shown; they are always stored in cm and kg."""

    METRIC = "metric", "Centimetres and kilograms"
    IMPERIAL = "imperial", "Feet, inches and pounds"


class User(AbstractUser):
    """A person who signs in with their email address."""

    username = None
    email = models.EmailField("email address", unique=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.PATIENT, db_index=True)
    time_zone = models.CharField(
        max_length=64, default="UTC", validators=[validate_time_zone], help_text="Dates such as 'today' follow this zone."
    )

    time_zone_confirmed = models.BooleanField(
        default=False, help_text="The person confirmed their time zone (first-run checklist)."
    )
    date_format = models.CharField(max_length=3, choices=DateFormat.choices, default=DateFormat.DAY_MONTH_YEAR)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="user_role_valid"),
            models.CheckConstraint(condition=Q(date_format__in=DateFormat.values), name="user_date_format_valid"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email

    @property
    def is_patient(self) -> bool:
        return self.role == Role.PATIENT

    @property
    def is_clinician(self) -> bool:
        return self.role == Role.CLINICIAN

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_care_team(self) -> bool:
        """Clinicians and admins: staff who look after patients' records (and must use two-factor sign-in)."""
        return self.role in CARE_TEAM_ROLES


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"


class MenopausalStatus(models.TextChoices):
    PREMENOPAUSAL = "pre", "Premenopausal"
    PERIMENOPAUSAL = "peri", "In the menopausal transition"
    POSTMENOPAUSAL = "post", "Postmenopausal"
    NOT_APPLICABLE = "n/a", "Not applicable"
    UNKNOWN = "unknown", "Unknown"


class Smoking(models.TextChoices):
    NOT_RECORDED = "", "Not recorded"
    NEVER = "never", "Never smoked"
    FORMER = "former", "Used to smoke"
    CURRENT = "current", "Smokes now"


class Glucocorticoids(models.TextChoices):
    """R15: ≥ 5 mg/day prednisolone (or equivalent) for ≥ 3 months."""

    NOT_RECORDED = "", "Not recorded"
    NEVER = "never", "No"
    PAST = "past", "Yes, in the past"
    CURRENT = "current", "Yes, now"


# R15 / FRAX: 3 or more units a day on average.
ALCOHOL_RISK_UNITS_PER_WEEK = 21
# R13: the default treatment goal is a T-score above −2.5; a clinician may set a stricter one, up to above −1.0.
GOAL_T_DEFAULT = Decimal("-2.5")
GOAL_T_STRICTEST = Decimal("-1.0")

# Only women go through the menopause: for men the status is "not applicable" (or still "unknown").
STATUSES_FOR_MEN = (MenopausalStatus.NOT_APPLICABLE, MenopausalStatus.UNKNOWN)
MENOPAUSE_MESSAGE = 'Menopausal status applies to women only: choose "Not applicable" (or "Unknown").'


class PatientProfile(models.Model):
    """Everything about a patient that the clinical rules read (DOMAIN.md R2, R5)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="patient_profile")
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=8, choices=Sex.choices)
    menopausal_status = models.CharField(
        max_length=8,
        choices=MenopausalStatus.choices,
        default=MenopausalStatus.UNKNOWN,
        help_text="Decides whether T-score categories or Z-score ranges apply (R2).",
    )
    height_cm = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(90), MaxValueValidator(250)],
        verbose_name="height (cm)",
    )
    weight_kg = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(25), MaxValueValidator(300)],
        verbose_name="weight (kg)",
    )
    body_units = models.CharField(
        "height and weight in", max_length=8, choices=BodyUnits.choices, default=BodyUnits.METRIC
    )
    # First-run checklist answers: "I have not had a scan" and "I don't take supplements" complete those steps.
    no_scan_yet = models.BooleanField("has not had a bone density scan", default=False)
    no_supplements = models.BooleanField("takes no supplements", default=False)
    checklist_hidden_at = models.DateTimeField(null=True, blank=True)
    # Lifestyle and clinical risk factors (R15); R5 reads them.
    smoking = models.CharField(max_length=8, choices=Smoking.choices, blank=True, default=Smoking.NOT_RECORDED)
    alcohol_units_per_week = models.PositiveSmallIntegerField(
        "alcohol (units a week)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(300)],
        help_text="One unit is a small glass of wine, half a pint of beer or a single measure of spirits.",
    )
    glucocorticoids = models.CharField(
        "steroid tablets (glucocorticoids)",
        max_length=8,
        choices=Glucocorticoids.choices,
        blank=True,
        default=Glucocorticoids.NOT_RECORDED,
        help_text="5 mg a day or more of prednisolone (or an equivalent) for 3 months or longer.",
    )
    parental_hip_fracture = models.BooleanField("a parent broke a hip", default=False)
    rheumatoid_arthritis = models.BooleanField("rheumatoid arthritis", default=False)
    # R13: a stricter treatment goal set by a clinician (None: the default goal, T above −2.5).
    goal_t_score = models.DecimalField(
        "treatment goal (T-score above)",
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(GOAL_T_DEFAULT), MaxValueValidator(GOAL_T_STRICTEST)],
    )
    goal_reason = models.CharField("reason for the goal", max_length=200, blank=True)
    goal_set_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Set by a clinician; overrides the R5 interval.
    scan_interval_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(6), MaxValueValidator(180)],
        help_text="Set by the care team; wins over the default rule.",
    )
    scan_interval_set_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Derived from the scans (dexa app keeps it current) so that reminders can sweep by date.
    next_scan_due_on = models.DateField(null=True, blank=True, db_index=True)
    next_scan_due_rule = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(sex__in=Sex.values), name="patient_sex_valid"),
            models.CheckConstraint(condition=Q(menopausal_status__in=MenopausalStatus.values), name="patient_menopause_valid"),
            models.CheckConstraint(
                condition=Q(height_cm__isnull=True) | Q(height_cm__range=(90, 250)), name="patient_height_range"
            ),
            models.CheckConstraint(
                condition=Q(weight_kg__isnull=True) | Q(weight_kg__range=(25, 300)), name="patient_weight_range"
            ),
            models.CheckConstraint(
                condition=Q(scan_interval_months__isnull=True) | Q(scan_interval_months__range=(6, 180)),
                name="patient_scan_interval_range",
            ),
            models.CheckConstraint(condition=Q(body_units__in=BodyUnits.values), name="patient_body_units_valid"),
            models.CheckConstraint(condition=Q(smoking__in=Smoking.values), name="patient_smoking_valid"),
            models.CheckConstraint(condition=Q(glucocorticoids__in=Glucocorticoids.values), name="patient_glucocorticoids_valid"),
            models.CheckConstraint(
                condition=Q(alcohol_units_per_week__isnull=True) | Q(alcohol_units_per_week__lte=300),
                name="patient_alcohol_range",
            ),
            models.CheckConstraint(
                condition=Q(goal_t_score__isnull=True) | Q(goal_t_score__range=(GOAL_T_DEFAULT, GOAL_T_STRICTEST)),
                name="patient_goal_range",
            ),
            models.CheckConstraint(
                condition=Q(sex=Sex.FEMALE) | Q(menopausal_status__in=STATUSES_FOR_MEN),
                name="patient_menopause_women_only",
                violation_error_message=MENOPAUSE_MESSAGE,
            ),
        ]

    def __str__(self) -> str:
        return self.user.display_name

    def clean(self) -> None:
        errors = {}
        if self.sex == Sex.MALE and self.menopausal_status not in STATUSES_FOR_MEN:
            errors["menopausal_status"] = MENOPAUSE_MESSAGE
        if errors:
            raise ValidationError(errors)

    @property
    def name(self) -> str:
        return self.user.display_name

    # The dated parts of a record (related name, date field, what it is): none can be before the date of birth.
    DATED_RECORDS = (
        ("fractures", "occurred_on", "a fracture"),
        ("falls", "occurred_on", "a fall"),
        ("dexa_scans", "scanned_on", "a bone density scan"),
        ("lab_results", "taken_on", "a lab result"),
        ("exercise_sessions", "date", "exercise"),
        ("nutrition_items", "date", "food or a supplement"),
        ("medication_courses", "started_on", "a medication course"),
    )

    def earliest_entry(self) -> tuple[dt.date, str] | None:
        """The earliest date anything is recorded on in this patient's record, and what (one query)."""
        firsts = {
            f"first_{related}": Subquery(
                self._meta.get_field(related)
                .related_model.objects.filter(patient=OuterRef("pk"))
                .order_by(field)
                .values(field)[:1]
            )
            for related, field, _ in self.DATED_RECORDS
        }
        row = PatientProfile.objects.filter(pk=self.pk).values(**firsts).first() or {}
        found = [(row[f"first_{related}"], what) for related, _, what in self.DATED_RECORDS if row.get(f"first_{related}")]
        return min(found, default=None)

    def age_on(self, day: dt.date) -> int:
        """Age in whole years on `day`."""
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def clinical_risk_factors(self) -> list[str]:
        """R5's clinical risk factors recorded on the profile (R15), in plain words; fractures are separate rows."""
        found = []
        if self.smoking == Smoking.CURRENT:
            found.append("smokes now")
        if self.alcohol_units_per_week is not None and self.alcohol_units_per_week >= ALCOHOL_RISK_UNITS_PER_WEEK:
            found.append(f"{self.alcohol_units_per_week} units of alcohol a week (3 or more a day)")
        if self.glucocorticoids in (Glucocorticoids.PAST, Glucocorticoids.CURRENT):
            found.append(
                "steroid tablets (glucocorticoids) "
                + ("now" if self.glucocorticoids == Glucocorticoids.CURRENT else "in the past")
            )
        if self.rheumatoid_arthritis:
            found.append("rheumatoid arthritis")
        if self.parental_hip_fracture:
            found.append("a parent broke a hip")
        return found

    @property
    def has_clinical_risk_factor(self) -> bool:
        """Any R5 clinical risk factor other than a fracture (fractures are separate rows)."""
        return bool(self.clinical_risk_factors())

    @property
    def goal_t(self) -> Decimal:
        """R13: the T-score every site should be above (the clinician's, else the default −2.5)."""
        return self.goal_t_score if self.goal_t_score is not None else GOAL_T_DEFAULT


class FractureSite(models.TextChoices):
    VERTEBRAL = "vertebral", "Vertebra (spine)"
    HIP = "hip", "Hip"
    WRIST = "wrist", "Wrist (distal forearm)"
    HUMERUS = "humerus", "Upper arm near the shoulder (proximal humerus)"
    PELVIS = "pelvis", "Pelvis"
    RIB = "rib", "Rib"
    ANKLE = "ankle", "Ankle"
    OTHER = "other", "Other"


class FractureQuerySet(models.QuerySet):
    def fragility(self) -> "FractureQuerySet":
        return self.filter(fragility=True)


class Fracture(models.Model):
    """A fracture in the patient's history; fragility (low-trauma) ones feed R1, R5 and R10."""

    patient = models.ForeignKey(PatientProfile, on_delete=models.CASCADE, related_name="fractures")
    site = models.CharField(max_length=16, choices=FractureSite.choices)
    occurred_on = models.DateField("date")
    fragility = models.BooleanField(
        "fragility fracture", default=True, help_text="From a fall from standing height or less, or with no injury."
    )
    on_glucocorticoids = models.BooleanField(
        "taking steroid tablets (glucocorticoids) at the time", default=False, help_text="Counts toward very high risk (R14)."
    )
    notes = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FractureQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        indexes = [models.Index(fields=["patient", "occurred_on"])]
        constraints = [models.CheckConstraint(condition=Q(site__in=FractureSite.values), name="fracture_site_valid")]

    def __str__(self) -> str:
        return f"{self.get_site_display()} fracture, {format_day(self.occurred_on)}"


class Fall(models.Model):
    """A fall in the patient's falls log (R15); recent falls count toward very high risk (R14)."""

    patient = models.ForeignKey(PatientProfile, on_delete=models.CASCADE, related_name="falls")
    occurred_on = models.DateField("date")
    injury = models.BooleanField("hurt in the fall", default=False)
    fracture = models.BooleanField("broke a bone", default=False)
    notes = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        indexes = [models.Index(fields=["patient", "occurred_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(fracture=False) | Q(injury=True),
                name="fall_fracture_is_an_injury",
                violation_error_message="A fall that broke a bone is a fall with an injury.",
            )
        ]

    def __str__(self) -> str:
        return f"Fall, {format_day(self.occurred_on)}"
