from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from bonetrack.core.date_display import format_day

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class FraxResult(models.Model):
    """A 10-year fracture probability from the official FRAX calculator, as the clinician or patient read it (R14).

    BoneTrack never computes FRAX (its equations are not public, DOMAIN.md §10): it stores what the calculator said.
    """

    patient = models.ForeignKey("accounts.PatientProfile", on_delete=models.CASCADE, related_name="frax_results")
    assessed_on = models.DateField("date")
    major_percent = models.DecimalField("major osteoporotic fracture (%)", max_digits=4, decimal_places=1, validators=PERCENT)
    hip_percent = models.DecimalField("hip fracture (%)", max_digits=4, decimal_places=1, validators=PERCENT)
    with_bmd = models.BooleanField("calculated with a femoral neck BMD", default=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        get_latest_by = "assessed_on"
        indexes = [models.Index(fields=["patient", "assessed_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(major_percent__range=(0, 100)), name="frax_major_percent_range"),
            models.CheckConstraint(condition=Q(hip_percent__range=(0, 100)), name="frax_hip_percent_range"),
            # A hip fracture is one of the major osteoporotic fractures, so its probability can't be higher.
            models.CheckConstraint(
                condition=Q(hip_percent__lte=F("major_percent")),
                name="frax_hip_within_major",
                violation_error_message="The hip fracture risk can't be higher than the major fracture risk, which includes it.",
            ),
        ]

    def __str__(self) -> str:
        return f"FRAX {format_day(self.assessed_on)}: major {self.major_percent} %, hip {self.hip_percent} %"
