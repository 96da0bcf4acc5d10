import datetime as dt

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery

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


class User(AbstractUser):
    """A person who signs in with their email address."""

    username = None
    email = models.EmailField("email address", unique=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.PATIENT, db_index=True)
    time_zone = models.CharField(
        max_length=64, default="UTC", validators=[validate_time_zone], help_text="Dates such as 'today' follow this zone."
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(role__in=Role.values), name="user_role_valid")]

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
    # Clinical risk factors of R5.
    glucocorticoids = models.BooleanField(
        "glucocorticoids", default=False, help_text="≥5 mg/day prednisolone (or equivalent) for more than 3 months, ever."
    )
    parental_hip_fracture = models.BooleanField("a parent fractured a hip", default=False)
    current_smoker = models.BooleanField("currently smokes", default=False)
    alcohol_3_units = models.BooleanField("3 or more units of alcohol a day", default=False)
    rheumatoid_arthritis = models.BooleanField("rheumatoid arthritis", default=False)
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

    @property
    def has_clinical_risk_factor(self) -> bool:
        """Any R5 clinical risk factor other than a fracture (fractures are separate rows)."""
        return any(
            (
                self.glucocorticoids,
                self.parental_hip_fracture,
                self.current_smoker,
                self.alcohol_3_units,
                self.rheumatoid_arthritis,
            )
        )


class FractureSite(models.TextChoices):
    VERTEBRAL = "vertebral", "Vertebra (spine)"
    HIP = "hip", "Hip"
    WRIST = "wrist", "Wrist / forearm"
    HUMERUS = "humerus", "Upper arm (humerus)"
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
    notes = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FractureQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        indexes = [models.Index(fields=["patient", "occurred_on"])]
        constraints = [models.CheckConstraint(condition=Q(site__in=FractureSite.values), name="fracture_site_valid")]

    def __str__(self) -> str:
        return f"{self.get_site_display()} fracture, {self.occurred_on:%d %b %Y}"
