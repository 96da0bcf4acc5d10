"""What other apps read about a patient's bones (e.g. the exercise safety rules, R10)."""

from decimal import Decimal

from .models import DexaScan


def latest_lowest_t_score(patient) -> Decimal | None:
    """The lowest diagnostic-site T-score of the most recent scan, or None without scans (one query)."""
    return DexaScan.objects.for_patient(patient).newest_first().values_list("lowest_t_score", flat=True).first()
