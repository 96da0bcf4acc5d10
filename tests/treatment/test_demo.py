"""The demo medication: Margaret's three courses around her scans, Robert's yearly zoledronic acid; idempotent."""

import datetime as dt
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from bonetrack.accounts.devdata.demo_accounts import seed_demo_accounts
from bonetrack.core.dates import add_months
from bonetrack.treatment.devdata import demo
from bonetrack.treatment.models import Course, Dose, recent_since
from dexa.devdata import demo as dexa_demo
from tests.factories import catalogue_regimen

pytestmark = pytest.mark.django_db


def test_margaret_and_robert_have_their_courses_and_seeding_again_adds_nothing():
    catalogue_regimen("unspecified")
    context = seed_demo_accounts()
    dexa_demo.seed(context)
    demo.seed(context)
    counts = (Course.objects.count(), Dose.objects.count())
    demo.seed(seed_demo_accounts())
    assert (Course.objects.count(), Dose.objects.count()) == counts

    today = timezone.localdate()
    margaret, robert = context.patients[0], context.patients[2]
    courses = list(
        Course.objects.for_patient(margaret)
        .select_related("regimen__drug")
        .with_taken_counts(since=recent_since(today))
        .order_by("started_on")
    )
    assert [c.drug.slug for c in courses] == ["alendronate", "romosozumab", "denosumab"]
    alendronate, romosozumab, denosumab = courses
    first_scan = margaret.dexa_scans.order_by("scanned_on").first().scanned_on
    assert first_scan < alendronate.started_on and (alendronate.ended_on - alendronate.started_on).days > 3 * 365
    assert 83 <= alendronate.adherence_so_far(today).percent <= 87  # about 85 % of weekly doses taken
    assert romosozumab.taken_total == 12 and romosozumab.stop_reason == "finished"
    assert romosozumab.started_on > alendronate.ended_on and denosumab.started_on > romosozumab.ended_on
    given = list(denosumab.doses.order_by("on").values_list("on", flat=True))
    lateness = [(day - add_months(before, 6)).days for before, day in itertools.pairwise(given)]
    assert lateness.count(35) == 1 and set(lateness) == {0, 35}  # one dose 5 weeks late
    assert denosumab.is_current and add_months(given[-1], 6) > today  # the next dose is not yet due
    # R5 is unchanged by the courses: on treatment, no drug changed since the previous scan.
    margaret.refresh_from_db()
    assert timezone.localdate() < margaret.next_scan_due_on <= timezone.localdate() + dt.timedelta(days=30)

    zoledronic = Course.objects.for_patient(robert).get()
    assert zoledronic.regimen.slug == "zoledronic-acid-5mg-iv-yearly" and zoledronic.is_current
    assert zoledronic.doses.filter(status="given").count() == 6
    robert.refresh_from_db()
    assert robert.next_scan_due_rule.startswith("2 years: osteoporosis or on treatment")


def test_helen_is_the_demo_clinicians_late_denosumab_patient(client):
    catalogue_regimen("unspecified")
    context = seed_demo_accounts()
    dexa_demo.seed(context)
    demo.seed(context)
    helen = context.patients[1]
    course = Course.objects.for_patient(helen).select_related("regimen__drug").get()
    assert course.drug.slug == "denosumab" and course.is_current
    last = Dose.objects.filter(course=course).order_by("-on").values_list("on", flat=True).first()
    due = add_months(last, 6)
    assert 40 <= (timezone.localdate() - due).days <= 45  # about six weeks late: past the one-month mark (high priority)
    client.force_login(context.clinician)
    response = client.get(reverse("clinic:worklist"), {"filter": "late_denosumab"})
    names = [row["patient"].name for row in response.context["rows"]]
    assert names == [helen.name]
