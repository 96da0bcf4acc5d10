"""HTML for the synthetic reports of corpus.py, one function per layout, drawn to PDF by WeasyPrint.

Three layouts unlike each other, as the makes print them: a Hologic-like region table (Region | Area | BMC | BMD |
T-score | PR | Z-score | AM, "DualFemur" with "Left" and "Right" tables, "1/3 Radius"), a Lunar-like one (the
percentages before the scores, "Young-Adult T-Score", "Left Femur" with "Neck" and "Total", "L1–L4" with an en
dash, "Radius 33%"), and a one-column summary of labelled paragraphs.
"""

from html import escape

from .. import rules

STYLE = """
@page { size: A4; margin: 18mm 16mm; }
body { font-family: "DejaVu Sans", sans-serif; font-size: 10.5pt; color: #111; }
h1 { font-size: 16pt; margin: 0 0 4mm; }
h2 { font-size: 12.5pt; margin: 6mm 0 2mm; }
h3 { font-size: 11.5pt; margin: 3mm 0 1mm; }
p { margin: 1.2mm 0; }
table { border-collapse: collapse; margin: 1mm 0 2mm; }
th, td { padding: 1mm 2.2mm; text-align: center; white-space: nowrap; }
th { font-weight: bold; border-bottom: 1px solid #444; }
td:first-child, th:first-child { text-align: left; }
.meta { color: #333; }
"""


def _page(body: str) -> str:
    return f"<!doctype html><html><head><meta charset='utf-8'><style>{STYLE}</style></head><body>{body}</body></html>"


def _hologic_row(report, label: str, result, *, area: float) -> str:
    n = report.number
    bmc = area * float(result.bmd)
    pr = round(100 + float(result.t_score) * 12)
    am = round(100 + float(result.z_score) * 12)
    return (
        f"<tr><td>{escape(label)}</td><td>{n(area, places=2)}</td><td>{n(bmc, places=2)}</td>"
        f"<td>{n(result.bmd, places=3)}</td><td>{n(result.t_score, places=1)}</td><td>{pr}</td>"
        f"<td>{n(result.z_score, places=1)}</td><td>{am}</td></tr>"
    )


HOLOGIC_HEAD = (
    "<tr><th>Region</th><th>Area (cm²)</th><th>BMC (g)</th><th>BMD (g/cm²)</th><th>T-score</th><th>PR (%)</th>"
    "<th>Z-score</th><th>AM (%)</th></tr>"
)


def hologic(report) -> str:
    sites, extra = report.sites, report.extra_rows
    parts = [
        f"<h1>{escape(report.facility)}</h1>",
        f"<p class='meta'>Hologic {escape(report.model)} (S/N 30{report.seed:04d}M)</p>",
        f"<p class='meta'>Patient: Sample, Pat &nbsp; DOB: {report.date_text(report.born_on)} &nbsp; "
        f"Scan Date: {report.date_text(report.scanned_on)}</p>",
    ]
    if rules.LUMBAR_SPINE in sites:
        total_label = "Total" if report.seed % 2 else "L1-L4"
        rows = "".join(_hologic_row(report, name, extra[name], area=14.1 + i) for i, name in enumerate(("L1", "L2", "L3", "L4")))
        rows += _hologic_row(report, total_label, sites[rules.LUMBAR_SPINE], area=61.3)
        parts.append(f"<h2>DXA Results Summary: AP Spine</h2><table>{HOLOGIC_HEAD}{rows}</table>")
    femurs = {}  # side -> site -> result
    for site in (rules.TOTAL_HIP, rules.FEMORAL_NECK):
        for result in filter(None, (sites[site], report.other_hip.get(site))):
            femurs.setdefault(result.side, {})[site] = result
    if report.other_hip:
        parts.append("<h2>DXA Results Summary: DualFemur</h2>")
    for side in sorted(femurs):
        rows = (
            _hologic_row(report, "Neck", femurs[side][rules.FEMORAL_NECK], area=4.9)
            + _hologic_row(report, "Troch", extra["Troch"], area=11.2)
            + _hologic_row(report, "Inter", extra["Inter"], area=18.4)
            + _hologic_row(report, "Total", femurs[side][rules.TOTAL_HIP], area=34.5)
            + _hologic_row(report, "Ward's", extra["Wards"], area=1.1)
        )
        heading = f"<h3>{side.title()}</h3>" if report.other_hip else f"<h2>DXA Results Summary: {side.title()} Hip</h2>"
        parts.append(f"{heading}<table>{HOLOGIC_HEAD}{rows}</table>")
    if rules.RADIUS_33 in sites:
        radius = sites[rules.RADIUS_33]
        rows = (
            _hologic_row(report, "UD", extra["UD"], area=3.1)
            + _hologic_row(report, "MID", extra["MID"], area=7.6)
            + _hologic_row(report, "1/3 Radius", radius, area=2.9)
        )
        parts.append(f"<h2>DXA Results Summary: {radius.side.title()} Forearm</h2><table>{HOLOGIC_HEAD}{rows}</table>")
    parts.append("<p>WHO classification: see the physician's report. Total BMD CV 1.0%.</p>")
    return _page("".join(parts))


LUNAR_HEAD = (
    "<tr><th>Region</th><th>BMD (g/cm²)</th><th>YA (%)</th><th>Young-Adult T-Score</th>"
    "<th>AM (%)</th><th>Age-Matched Z-Score</th></tr>"
)


def _lunar_row(report, label: str, result) -> str:
    n = report.number
    return (
        f"<tr><td>{escape(label)}</td><td>{n(result.bmd, places=3)}</td><td>{round(100 + float(result.t_score) * 12)}</td>"
        f"<td>{n(result.t_score, places=1)}</td><td>{round(100 + float(result.z_score) * 12)}</td>"
        f"<td>{n(result.z_score, places=1)}</td></tr>"
    )


def lunar(report) -> str:
    sites, extra = report.sites, report.extra_rows
    parts = [
        f"<h1>{escape(report.facility)}</h1>",
        f"<p class='meta'>GE Healthcare Lunar {escape(report.model)} &nbsp; enCORE 18</p>",
        f"<p class='meta'>Birth Date: {report.date_text(report.born_on)} &nbsp; "
        f"Measured: {report.date_text(report.scanned_on)}</p>",
    ]
    if rules.LUMBAR_SPINE in sites:
        total_label = "L1 - L4" if report.seed % 3 == 0 else "L1–L4"
        rows = "".join(_lunar_row(report, name, extra[name]) for name in ("L1", "L2", "L3", "L4"))
        rows += _lunar_row(report, total_label, sites[rules.LUMBAR_SPINE])
        parts.append(f"<h2>AP Spine Bone Density</h2><table>{LUNAR_HEAD}{rows}</table>")
    side = sites[rules.TOTAL_HIP].side
    rows = (
        _lunar_row(report, "Neck", sites[rules.FEMORAL_NECK])
        + _lunar_row(report, "Upper Neck", extra["Upper Neck"])
        + _lunar_row(report, "Wards", extra["Wards"])
        + _lunar_row(report, "Troch", extra["Troch"])
        + _lunar_row(report, "Shaft", extra["Shaft"])
        + _lunar_row(report, "Total", sites[rules.TOTAL_HIP])
    )
    parts.append(f"<h2>{side.title()} Femur Bone Density</h2><table>{LUNAR_HEAD}{rows}</table>")
    if rules.RADIUS_33 in sites:
        radius = sites[rules.RADIUS_33]
        rows = (
            _lunar_row(report, "Radius UD", extra["UD"])
            + _lunar_row(report, "Radius 33%", radius)
            + _lunar_row(report, "Radius Total", extra["Radius Total"])
        )
        parts.append(f"<h2>{radius.side.title()} Forearm Bone Density</h2><table>{LUNAR_HEAD}{rows}</table>")
    return _page("".join(parts))


SUMMARY_LABELS = {
    rules.LUMBAR_SPINE: "Lumbar spine (L1–L4)",
    rules.FEMORAL_NECK: "Femoral neck ({side})",
    rules.TOTAL_HIP: "Total hip ({side})",
    rules.RADIUS_33: "Forearm, 33% radius ({side})",
}
MAKE_NAMES = {"hologic": "Hologic ", "ge_lunar": "GE Lunar ", "other": ""}


def summary(report) -> str:
    n = report.number
    parts = [
        "<h1>Bone Densitometry Report</h1>",
        f"<p>Facility: {escape(report.facility)}</p>",
        f"<p>Scanner: {MAKE_NAMES[report.make]}{escape(report.model)}</p>",
        f"<p>Exam Date: {report.date_text(report.scanned_on)}</p>",
        "<h2>Results</h2>",
    ]
    for site, label in SUMMARY_LABELS.items():
        if site in report.sites:
            result = report.sites[site]
            parts.append(
                f"<p>{label.format(side=result.side)}: BMD {n(result.bmd, places=3)} g/cm², "
                f"T-score {n(result.t_score, places=1)}, Z-score {n(result.z_score, places=1)}</p>"
            )
    parts.append(
        "<h2>Conclusion</h2><p>Results are compared with a young-adult reference.</p>"
        "<p>A T-score of -2.5 or below is in the osteoporosis range.</p>"
    )
    return _page("".join(parts))


LAYOUT_HTML = {"hologic": hologic, "lunar": lunar, "summary": summary}


def render(report) -> str:
    """The report's HTML in its layout."""
    return LAYOUT_HTML[report.layout](report)


LETTER = _page(
    "<p>Westgate Medical Centre<br>12 Harbour Street</p>"
    "<p>14 March 2024</p>"
    "<p>Dear Ms Sample,</p>"
    "<p>Your appointment for a bone density scan is on 02/04/2024 at 10:30 in room 3. Please arrive 15 minutes early "
    "and bring a list of your medicines. Parking costs 2.50 per hour.</p>"
    "<p>Yours sincerely,<br>Appointments Office</p>"
)
