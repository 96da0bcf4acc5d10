"""A patient's scans in memory: per-site changes (R4), summaries (R1–R3) and the rows behind the chart and table."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import reverse

from bonetrack.core.date_display import format_day

from . import rules
from .models import DexaScan, Facility, Side, SiteMeasurement

SIDE_LABELS = dict(Side.choices)
CHANGE_PRIORITY = (rules.LOSS, rules.GAIN, rules.STABLE, rules.NOT_COMPARABLE)


@dataclass
class SiteResult:
    measurement: SiteMeasurement
    vs_previous: rules.Change | None = None
    vs_baseline: rules.Change | None = None

    @property
    def site(self) -> str:
        return self.measurement.site


@dataclass
class ScanSummary:
    category: str
    diagnosis: str
    diagnosis_reason: str
    lowest_t_score: Decimal | None
    lowest_t_site: str
    change_status: str
    improvement: str
    note: str = ""


@dataclass
class ScanHistory:
    """Every scan of one patient, oldest first, each with `results` (one SiteResult per measured site)."""

    scans: list[DexaScan] = field(default_factory=list)

    @property
    def latest(self) -> DexaScan | None:
        return self.scans[-1] if self.scans else None

    def rows(self) -> list[dict]:
        """One row per site measurement, oldest first: what the chart and its table show."""
        rows = []
        for scan in self.scans:
            url = reverse("dexa:scan-detail", kwargs={"patient_id": scan.patient_id, "scan_id": scan.pk})
            date_label = format_day(scan.scanned_on)
            for result in scan.results:
                m, change = result.measurement, result.vs_previous
                rows.append(
                    {
                        "scan_id": scan.pk,
                        "url": url,
                        "date": scan.scanned_on,
                        "date_label": date_label,
                        "t_label": f"{m.t_score:+.1f}",
                        "site": m.site,
                        "site_label": rules.SITE_LABELS[m.site],
                        "side": SIDE_LABELS[m.side] if m.side else "",
                        "t_score": m.t_score,
                        "z_score": m.z_score,
                        "bmd": m.bmd,
                        "change": _change_text(change),
                        "significance": change.label if change else "Baseline",
                        "change_status": change.status if change else "",
                        "improvement": scan.improvement if m.site == scan.lowest_t_site else "",
                    }
                )
        return rows

    def improvements(self) -> list[DexaScan]:
        return [scan for scan in self.scans if scan.improvement]


def _change_text(change: rules.Change | None) -> str:
    if change is None:
        return "First scan at this site"
    if change.delta is None:
        return "Not comparable (different scanner make)"
    return f"{change.delta:+.3f} g/cm² ({change.percent:+}%)"


def comparable(a: DexaScan, b: DexaScan) -> bool:
    return rules.same_make(a.make, a.model, b.make, b.model)


def site_change(earlier: DexaScan, earlier_m: SiteMeasurement, later: DexaScan, later_m: SiteMeasurement) -> rules.Change:
    """R4 for one site; the facility's own LSC applies when both scans were done there."""
    facility_lsc = later.facility.lsc_for(later_m.site) if earlier.facility_id == later.facility_id else None
    return rules.bmd_change(
        later_m.site, earlier_m.bmd, later_m.bmd, comparable=comparable(earlier, later), facility_lsc=facility_lsc
    )


def build_history(scans: list[DexaScan]) -> ScanHistory:
    """Attach per-site changes to scans given oldest first, each with `measurement_list` loaded."""
    first_seen: dict[str, tuple[DexaScan, SiteMeasurement]] = {}
    last_seen: dict[str, tuple[DexaScan, SiteMeasurement]] = {}
    for scan in scans:
        scan.results = []
        for m in sorted(scan.measurement_list, key=lambda m: rules.SITES.index(m.site)):
            result = SiteResult(m)
            if m.site in last_seen:
                result.vs_previous = site_change(*last_seen[m.site], scan, m)
                result.vs_baseline = site_change(*first_seen[m.site], scan, m)
            first_seen.setdefault(m.site, (scan, m))
            last_seen[m.site] = (scan, m)
            scan.results.append(result)
    return ScanHistory(scans)


M_FIELDS = [f.attname for f in SiteMeasurement._meta.concrete_fields]
S_FIELDS = [f.attname for f in DexaScan._meta.concrete_fields]
F_FIELDS = [f.attname for f in Facility._meta.concrete_fields]


def history_values(patient) -> list[tuple]:
    """Every measurement of the patient with its scan and facility, as plain tuples (one query, no model instances)."""
    return list(
        SiteMeasurement.objects.filter(scan__patient=patient)
        .order_by("scan__scanned_on", "scan_id", "site")
        .values_list(*M_FIELDS, *(f"scan__{name}" for name in S_FIELDS), *(f"scan__facility__{name}" for name in F_FIELDS))
    )


def history_from_values(values: list[tuple]) -> ScanHistory:
    """Build the scans (oldest first) from `history_values` rows; each scan and facility is created once."""
    m_end, s_end = len(M_FIELDS), len(M_FIELDS) + len(S_FIELDS)
    scans: dict[int, DexaScan] = {}
    facilities: dict[int, Facility] = {}
    for row in values:
        scan_values = row[m_end:s_end]
        scan = scans.get(scan_values[0])
        if scan is None:
            scan = scans[scan_values[0]] = DexaScan.from_db("default", S_FIELDS, scan_values)
            facility_values = row[s_end:]
            facility = facilities.get(facility_values[0])
            if facility is None:
                facility = facilities[facility_values[0]] = Facility.from_db("default", F_FIELDS, facility_values)
            scan.facility = facility
            scan.measurement_list = []
        measurement = SiteMeasurement.from_db("default", M_FIELDS, row[:m_end])
        measurement.scan = scan
        scan.measurement_list.append(measurement)
    return build_history(list(scans.values()))


def load_history(patient) -> ScanHistory:
    """All of a patient's scans with their measurements and facilities, in one query."""
    return history_from_values(history_values(patient))


def summarize(history: ScanHistory, patient, fragility_fractures: list[tuple[str, dt.date]]) -> list[ScanSummary]:
    """R1–R3 and R1b for each scan of `history` (oldest first): category, sticky diagnosis, change and improvement.

    `fragility_fractures` are (site, date) pairs. A fracture counts for a scan when it occurred on or before that
    scan; for the latest scan every recorded one counts, since the diagnosis of record is the diagnosis now.
    """
    summaries, categories = [], []
    fracture_reason = ""  # R1b, sticky like R3 once a scan met it
    for scan in history.scans:
        population = rules.score_population(
            sex=patient.sex, menopausal_status=patient.menopausal_status, age=patient.age_on(scan.scanned_on)
        )
        before_scan = [(site, day) for site, day in fragility_fractures if day <= scan.scanned_on]
        category = rules.classify_scan(
            [r.measurement.reading for r in scan.results], population, fragility_fracture=bool(before_scan)
        )
        improvement = rules.improvement(categories[-1], category.code) if categories else ""
        categories.append(category.code)
        counted = fragility_fractures if scan is history.latest else before_scan
        fracture_reason = fracture_reason or rules.fracture_diagnosis(category.code, counted)
        diagnosis, reason = rules.diagnosis_of_record([c for c in categories if c]), ""
        if fracture_reason and diagnosis not in rules.OSTEOPOROTIC:
            # The T-scores alone do not make it osteoporosis: the fracture does, and the reason says so.
            diagnosis, reason = rules.OSTEOPOROSIS, fracture_reason
        statuses = {r.vs_previous.status for r in scan.results if r.vs_previous}
        change_status = next((status for status in CHANGE_PRIORITY if status in statuses), "")
        lowest = category.lowest
        summaries.append(
            ScanSummary(
                category=category.code,
                diagnosis=diagnosis,
                diagnosis_reason=reason,
                lowest_t_score=lowest.t_score if lowest else None,
                lowest_t_site=lowest.site if lowest else "",
                change_status=change_status,
                improvement=improvement,
                note=category.note,
            )
        )
    return summaries
