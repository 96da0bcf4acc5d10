"""Navigation: the tabs of one patient's pages and the top-level links of the care team, in display order."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Tab:
    label: str
    url_name: str
    # The URL name prefix that marks this tab as current, e.g. "dexa:".
    section: str = ""


@dataclass(frozen=True)
class Link:
    label: str
    url_name: str


PATIENT_TABS = (
    Tab("Dashboard", "dashboard:patient-dashboard"),
    Tab("Timeline", "clinic:timeline", section="clinic:"),
    Tab("Bone density", "dexa:scan-list", section="dexa:"),
    Tab("Progress", "progress:report", section="progress:"),
    Tab("Medication", "medications:course-list", section="medications:"),
    Tab("Nutrition", "nutrition:day", section="nutrition:"),
    Tab("Exercise", "exercise:week", section="exercise:"),
    Tab("Labs", "labs:lab-list", section="labs:"),
    Tab("Fracture risk", "risk:frax", section="risk:"),
    Tab("Visit summary", "portability:summary"),
    Tab("Profile", "patients:profile", section="patients:"),
    Tab("Reminders", "reminders:reminder-list", section="reminders:reminder"),
    Tab("Care team", "careteams:care-team"),
    Tab("Access log", "careteams:access-log"),
)
# Clinicians and admins see these instead of one patient's tabs.
CARE_TEAM_LINKS = (
    Link("Worklist", "clinic:worklist"),
    Link("Patients", "careteams:patient-list"),
)


def patient_tabs(patient, current_url_name: str = "") -> list[dict]:
    """The tabs for one patient's pages, each with its URL and whether it is current."""
    return [
        {
            "label": tab.label,
            "url": reverse(tab.url_name, kwargs={"patient_id": patient.pk}),
            "current": current_url_name == tab.url_name or bool(tab.section and current_url_name.startswith(tab.section)),
        }
        for tab in PATIENT_TABS
    ]


def care_team_links(current_url_name: str = "") -> list[dict]:
    """The top-level links of clinicians and admins, each with its URL and whether it is current."""
    return [
        {"label": link.label, "url": reverse(link.url_name), "current": current_url_name == link.url_name}
        for link in CARE_TEAM_LINKS
    ]
