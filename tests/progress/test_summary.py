"""The summary sentence, a pure function of the report's numbers."""

import datetime as dt
from decimal import Decimal

from bonetrack.progress.report import ExerciseProgress, MedicationProgress, NutritionProgress, Report, SiteProgress, Window
from bonetrack.progress.summary import NO_SCANS, summary_sentence
from bonetrack.treatment.schedule import adherence
from dexa import rules
from dexa.models import DexaScan

MARCH_2023, MARCH_2025 = dt.date(2023, 3, 14), dt.date(2025, 3, 20)


def _scan(day, make="hologic") -> DexaScan:
    return DexaScan(scanned_on=day, make=make)


def _site(site, earlier, later, comparable=True) -> SiteProgress:
    change = rules.bmd_change(site, Decimal(earlier), Decimal(later), comparable=comparable)
    return SiteProgress(site, Decimal(earlier), Decimal(later), change)


def _report(*, later=True, sites=(), medications=(), logged=412, calcium_met=293, weeks=104, all_met=38) -> Report:
    earlier = _scan(MARCH_2023)
    window = Window(earlier, _scan(MARCH_2025), MARCH_2025) if later else Window(earlier, None, MARCH_2025)
    return Report(
        window=window,
        sites=list(sites),
        medications=list(medications),
        nutrition=NutritionProgress(days=739, logged_days=logged, calcium_met=calcium_met, vitamin_d_met=0),
        exercise=ExerciseProgress(weeks=weeks, all_met=all_met),
        vitamin_d=None,
    )


DENOSUMAB = MedicationProgress("Denosumab", ("Denosumab 60 mg every 6 months",), adherence(scheduled=25, taken=23))


def test_no_scans():
    assert summary_sentence(None) == NO_SCANS == "Add your bone density results to see progress."


def test_a_significant_gain_with_medication_food_and_exercise():
    sites = [_site("total_hip", "0.700", "0.729"), _site("lumbar_spine", "0.800", "0.810")]
    assert summary_sentence(_report(sites=sites, medications=[DENOSUMAB])) == (
        "Between March 2023 and March 2025 your total hip gained significantly (+4.1 %); the other sites were stable. "
        "You took 92 % of your denosumab doses, met your calcium target on 71 % of the 412 days you logged food "
        "and met your exercise goals in 38 of 104 weeks."
    )


def test_losses_and_no_medication():
    sites = [_site("lumbar_spine", "0.800", "0.770"), _site("femoral_neck", "0.600", "0.560")]
    assert summary_sentence(_report(sites=sites, logged=1, calcium_met=1, weeks=1, all_met=0)) == (
        "Between March 2023 and March 2025 your spine lost significantly (−3.8 %) and your femoral neck (top of the thigh "
        "bone) lost significantly (−6.7 %). You met your calcium target on 100 % of the 1 day you logged food and met "
        "your exercise goals in 0 of 1 week. No bone medication was recorded."
    )


def test_stable_everywhere():
    sites = [_site("lumbar_spine", "0.800", "0.810"), _site("total_hip", "0.700", "0.705")]
    assert summary_sentence(_report(sites=sites, logged=0, calcium_met=0, medications=[DENOSUMAB])).startswith(
        "Between March 2023 and March 2025 your bone density was stable at all 2 sites measured. You took 92 % of your "
        "denosumab doses, did not log any food and met"
    )


def test_not_comparable_across_makes():
    sites = [_site("lumbar_spine", "0.800", "0.900", comparable=False)]
    assert summary_sentence(_report(sites=sites, medications=[DENOSUMAB])).startswith(
        "Between March 2023 and March 2025 your scans were done on different makes of scanner, so bone density can't be "
        "compared. You took 92 %"
    )


def test_one_scan_only_says_since_your_scan():
    unscheduled = MedicationProgress("Alendronate", ("Alendronate",), adherence(scheduled=0, taken=3))
    assert summary_sentence(_report(later=False, medications=[unscheduled], weeks=0, all_met=0)) == (
        "Since your last scan in March 2023 you met your calcium target on 71 % of the 412 days you logged food. "
        "Your medication schedule was not recorded."
    )


def test_two_drugs():
    alendronate = MedicationProgress("Alendronate", (), adherence(scheduled=50, taken=40))
    text = summary_sentence(_report(sites=[_site("total_hip", "0.700", "0.700")], medications=[alendronate, DENOSUMAB]))
    assert "You took 80 % of your alendronate doses and 92 % of your denosumab doses, met" in text
