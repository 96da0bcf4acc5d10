"""Role-based navigation. Apps declare their entries in `<app>/navigation.py`:

PATIENT_TABS = [Tab("Scans", "dexa:scan-list", order=20)]        # pages about one patient
ROLE_LINKS = [Link("My patients", "careteams:patient-list", roles={"clinician"})]
"""

from dataclasses import dataclass, field

from django.urls import reverse

from .hooks import app_modules


@dataclass(frozen=True)
class Tab:
    label: str
    url_name: str
    order: int = 100
    # The URL name prefix that marks this tab as current, e.g. "dexa:".
    section: str = ""


@dataclass(frozen=True)
class Link:
    label: str
    url_name: str
    roles: frozenset[str] = field(default_factory=frozenset)
    order: int = 100


def patient_tabs(patient, current_url_name: str = "") -> list[dict]:
    """The tabs for one patient's pages, each with its URL and whether it is current."""
    tabs = sorted(
        (tab for module in app_modules("navigation") for tab in getattr(module, "PATIENT_TABS", ())), key=lambda t: t.order
    )
    return [
        {
            "label": tab.label,
            "url": reverse(tab.url_name, kwargs={"patient_id": patient.pk}),
            "current": current_url_name == tab.url_name or bool(tab.section and current_url_name.startswith(tab.section)),
        }
        for tab in tabs
    ]


def role_links(user, current_url_name: str = "") -> list[dict]:
    """Top-level links for the user's role (clinicians and admins)."""
    links = sorted(
        (link for module in app_modules("navigation") for link in getattr(module, "ROLE_LINKS", ()) if user.role in link.roles),
        key=lambda link: link.order,
    )
    return [{"label": link.label, "url": reverse(link.url_name), "current": current_url_name == link.url_name} for link in links]
