"""Demo FRAX results: Margaret's puts her at very high risk (major 31 %, hip 5.1 %) and, with her latest scan in the
osteopenia range, over the treatment threshold; Robert's (hip 3.2 %) puts him over the treatment threshold only.
Helen is at very high risk from her falls (the accounts demo logs them). Runs after the scans (ORDER). Idempotent:
nothing is added for a patient who already has a FRAX result."""

from decimal import Decimal as D

from bonetrack.core.dates import add_months

from ..models import FraxResult

ORDER = 20  # after dexa (10) and treatment (15): the flags read the latest scan and the courses

# email: (months ago, major %, hip %, with BMD)
DEMO_FRAX = {
    "patient@example.com": (1, D("31.0"), D("5.1"), True),
    "robert.silva@example.com": (11, D("14.0"), D("3.2"), True),
}


def seed(demo) -> None:
    for patient in demo.patients:
        plan = DEMO_FRAX.get(patient.user.email)
        if plan is None or patient.frax_results.exists():
            continue
        months, major, hip, with_bmd = plan
        FraxResult.objects.create(
            patient=patient,
            assessed_on=add_months(demo.today, -months),
            major_percent=major,
            hip_percent=hip,
            with_bmd=with_bmd,
            recorded_by=demo.clinician,
        )
