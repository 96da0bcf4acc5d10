"""R14 read from the database, for one patient or a page of patients in one query, and as SQL conditions that decide
the same flags for every patient of the worklist at once (tests hold the two to the same answers).

The one query is a UNION of the rows the rule reads: the fragility fractures, the falls of the past 12 months, the
medication courses, the latest scan and the latest FRAX result of each patient.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import BooleanField, CharField, DateField, DecimalField, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast

from bonetrack.accounts.models import Fall, Fracture, PatientProfile
from bonetrack.treatment.models import Course
from dexa.models import DexaScan

from . import rules
from .models import FraxResult
from .rules import CourseFact, FallFact, FractureFact, FraxFact, RiskAssessment, ScanFact

FRACTURE, FALL, COURSE, SCAN, FRAX = "fracture", "fall", "course", "scan", "frax"
TENTH = Decimal("0.1")


def _latest_scans(patient):
    return DexaScan.objects.filter(patient=patient).order_by("-scanned_on", "-pk")


def _latest_frax(patient):
    return FraxResult.objects.filter(patient=patient).order_by("-assessed_on", "-pk")


def _columns(queryset, kind: str, *, first: str, last=None, text=None, flag=None, low=None, high=None) -> QuerySet:
    """One part of the UNION: (kind, patient, first date, last date, text, flag, number, number)."""
    # Typed NULLs: PostgreSQL cannot match an untyped NULL column of one part with a date or number of another.
    nothing = {"date": Cast(Value(None), DateField()), "number": Cast(Value(None), DecimalField(max_digits=4, decimal_places=1))}
    return (
        queryset.order_by()
        .annotate(
            risk_kind=Value(kind, output_field=CharField()),
            risk_patient=F("patient_id"),
            risk_first=F(first),
            risk_last=F(last) if last else nothing["date"],
            risk_text=F(text) if text else Value("", output_field=CharField()),
            risk_flag=F(flag) if flag else Value(False, output_field=BooleanField()),
            risk_low=F(low) if low else nothing["number"],
            risk_high=F(high) if high else nothing["number"],
        )
        .values_list("risk_kind", "risk_patient", "risk_first", "risk_last", "risk_text", "risk_flag", "risk_low", "risk_high")
    )


def _history(patient_ids: list[int], today: dt.date) -> QuerySet:
    """Everything R14 reads of these patients, as one query."""
    fractures = Fracture.objects.fragility().filter(patient_id__in=patient_ids)
    falls = Fall.objects.filter(patient_id__in=patient_ids, occurred_on__gt=rules.recent_after(today), occurred_on__lte=today)
    courses = Course.objects.filter(patient_id__in=patient_ids)
    scans = DexaScan.objects.filter(patient_id__in=patient_ids, pk=Subquery(_latest_scans(OuterRef("patient")).values("pk")[:1]))
    frax = FraxResult.objects.filter(patient_id__in=patient_ids, pk=Subquery(_latest_frax(OuterRef("patient")).values("pk")[:1]))
    return _columns(fractures, FRACTURE, first="occurred_on", text="site", flag="on_glucocorticoids").union(
        _columns(falls, FALL, first="occurred_on", flag="injury"),
        _columns(courses, COURSE, first="started_on", last="ended_on", text="regimen__drug__name"),
        _columns(scans, SCAN, first="scanned_on", text="category", low="lowest_t_score"),
        _columns(frax, FRAX, first="assessed_on", flag="with_bmd", low="major_percent", high="hip_percent"),
        all=True,
    )


def _tenths(value) -> Decimal | None:
    """A one-decimal number read back through the UNION (whose columns some databases return as floats)."""
    return None if value is None else Decimal(str(value)).quantize(TENTH)


def assess_patients(patient_ids: Iterable[int], today: dt.date) -> dict[int, RiskAssessment]:
    """R14 for each of these patients, in one query for all of them."""
    patient_ids = list(patient_ids)
    fractures, falls, courses = defaultdict(list), defaultdict(list), defaultdict(list)
    scans, frax = {}, {}
    for kind, patient_id, first, last, text, flag, low, high in _history(patient_ids, today):
        if kind == FRACTURE:
            fractures[patient_id].append(FractureFact(site=text, occurred_on=first, on_glucocorticoids=bool(flag)))
        elif kind == FALL:
            falls[patient_id].append(FallFact(occurred_on=first, injury=bool(flag)))
        elif kind == COURSE:
            courses[patient_id].append(CourseFact(drug=text, started_on=first, ended_on=last))
        elif kind == SCAN:
            scans[patient_id] = ScanFact(scanned_on=first, category=text, lowest_t=_tenths(low))
        else:
            frax[patient_id] = FraxFact(assessed_on=first, major=_tenths(low), hip=_tenths(high), with_bmd=bool(flag))
    return {
        patient_id: rules.assess_risk(
            today=today,
            scan=scans.get(patient_id),
            frax=frax.get(patient_id),
            fractures=fractures[patient_id],
            falls=falls[patient_id],
            courses=courses[patient_id],
        )
        for patient_id in patient_ids
    }


def assess(patient: PatientProfile, today: dt.date) -> RiskAssessment:
    """R14 for one patient, in one query, loaded once per patient object and day (the page's sections share it)."""
    cached = getattr(patient, "_risk", None)
    if cached is not None and cached[0] == today:
        return cached[1]
    assessment = assess_patients([patient.pk], today)[patient.pk]
    patient._risk = (today, assessment)
    return assessment


# The same rules as SQL conditions on PatientProfile rows ------------------------------------------------------------


def _latest_scan_row():
    return DexaScan.objects.filter(pk=Subquery(_latest_scans(OuterRef(OuterRef("pk"))).values("pk")[:1]))


def _latest_frax_row():
    return FraxResult.objects.filter(pk=Subquery(_latest_frax(OuterRef(OuterRef("pk"))).values("pk")[:1]))


def _fragility_fractures():
    return Fracture.objects.filter(patient=OuterRef("pk"), fragility=True)


def _recent(model, today: dt.date, patient=None):
    return model.objects.filter(
        patient=patient if patient is not None else OuterRef("pk"),
        occurred_on__gt=rules.recent_after(today),
        occurred_on__lte=today,
    )


def very_high_risk_condition(today: dt.date) -> Q:
    """AACE 2020 very high risk (R14) for every patient row at once; agrees with `rules.assess_risk`."""
    recent_fracture = _recent(Fracture, today).filter(fragility=True)
    covering_course = Course.objects.filter(patient=OuterRef("patient"), started_on__lte=OuterRef("occurred_on")).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=OuterRef("occurred_on"))
    )
    another_fracture = Fracture.objects.filter(patient=OuterRef("patient"), fragility=True).exclude(pk=OuterRef("pk"))
    recent_falls = _recent(Fall, today)
    another_recent_fall = _recent(Fall, today, patient=OuterRef("patient")).exclude(pk=OuterRef("pk"))
    return (
        Q(Exists(recent_fracture))
        | Q(Exists(_fragility_fractures().filter(Exists(covering_course))))
        | Q(Exists(_fragility_fractures().filter(Exists(another_fracture))))
        | Q(Exists(_fragility_fractures().filter(on_glucocorticoids=True)))
        | Q(
            Exists(
                _latest_scan_row()
                .filter(lowest_t_score__lt=rules.VERY_HIGH_T)
                .exclude(category__in=sorted(rules.Z_SCORE_CATEGORIES))
            )
        )
        | Q(
            Exists(_latest_frax_row().filter(Q(major_percent__gt=rules.VERY_HIGH_MAJOR) | Q(hip_percent__gt=rules.VERY_HIGH_HIP)))
        )
        | Q(Exists(recent_falls.filter(injury=True)))
        | Q(Exists(recent_falls.filter(Exists(another_recent_fall))))
    )


def treatment_threshold_condition(today: dt.date) -> Q:
    """The BHOF/NOF treatment threshold (R14) for every patient row at once; agrees with `rules.assess_risk`."""
    return Q(Exists(_latest_scan_row().filter(category=rules.dexa_rules.OSTEOPENIA))) & Q(
        Exists(_latest_frax_row().filter(Q(hip_percent__gte=rules.THRESHOLD_HIP) | Q(major_percent__gte=rules.THRESHOLD_MAJOR)))
    )
