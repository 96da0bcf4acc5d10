"""The plain-language sentence at the top of the progress report, built from its numbers (pure, no database)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dexa import rules

if TYPE_CHECKING:
    from .report import Report

# Site names as a patient says them.
PLAIN_SITES = {
    rules.LUMBAR_SPINE: "spine",
    rules.TOTAL_HIP: "total hip",
    rules.FEMORAL_NECK: "femoral neck (top of the thigh bone)",
    rules.RADIUS_33: "forearm",
}
NO_SCANS = "Add your bone density results to see progress."


def month(day) -> str:
    return f"{day:%B %Y}"


def join_words(parts: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


def percent_text(value) -> str:
    return f"{value:+.1f} %".replace("-", "−")


def bone_sentence(report: Report) -> str:
    """R4 in words for a pair of scans: the significant changes, or stable, or not comparable."""
    opening = f"Between {month(report.window.start)} and {month(report.window.end)}"
    if not report.sites:
        return f"{opening} no site was measured on both scans, so bone density can't be compared."
    if report.not_comparable:
        return f"{opening} your scans were done on different makes of scanner, so bone density can't be compared."
    significant = []
    for site in report.sites:
        if site.change.status == rules.GAIN:
            significant.append(f"your {PLAIN_SITES[site.site]} gained significantly ({percent_text(site.change.percent)})")
        elif site.change.status == rules.LOSS:
            significant.append(f"your {PLAIN_SITES[site.site]} lost significantly ({percent_text(site.change.percent)})")
    stable = sum(site.change.status == rules.STABLE for site in report.sites)
    if not significant:
        where = "the site measured" if stable == 1 else f"all {stable} sites measured"
        return f"{opening} your bone density was stable at {where}."
    rest = "; the other sites were stable" if stable else ""
    return f"{opening} {join_words(significant)}{rest}."


def medication_phrase(report: Report) -> str:
    """ "took 92 % of your denosumab doses", or "" when no adherence can be given (see `medication_note`)."""
    known = [m for m in report.medications if m.percent is not None]
    return "took " + join_words([f"{m.percent} % of your {m.drug.lower()} doses" for m in known]) if known else ""


def medication_note(report: Report) -> str:
    if not report.medications:
        return "No bone medication was recorded."
    if all(m.percent is None for m in report.medications):
        return "Your medication schedule was not recorded."
    return ""


def calcium_phrase(report: Report) -> str:
    nutrition = report.nutrition
    if not nutrition.logged_days:
        return "did not log any food"
    days = "day" if nutrition.logged_days == 1 else "days"
    return f"met your calcium target on {nutrition.calcium_percent} % of the {nutrition.logged_days} {days} you logged food"


def exercise_phrase(report: Report) -> str:
    exercise = report.exercise
    if not exercise.weeks:
        return ""
    return f"met your exercise goals in {exercise.all_met} of {exercise.weeks} week{'s' if exercise.weeks != 1 else ''}"


def behaviour_sentence(report: Report) -> str:
    """What the patient did over the window: medication, calcium and exercise."""
    parts = [phrase for phrase in (medication_phrase(report), calcium_phrase(report), exercise_phrase(report)) if phrase]
    opening = "You" if report.later_scan is not None else f"Since your last scan in {month(report.window.start)} you"
    note = medication_note(report)
    return f"{opening} {join_words(parts)}." + (f" {note}" if note else "")


def summary_sentence(report: Report | None) -> str:
    """The summary at the top: bone density between the scans (when there are two), then what the patient did."""
    if report is None:
        return NO_SCANS
    if report.later_scan is None:
        return behaviour_sentence(report)
    return f"{bone_sentence(report)} {behaviour_sentence(report)}"
