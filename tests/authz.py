"""The authorization matrix: who may open which URL.

Each app lists its URLs in `tests/<app>/authz_cases.py` as `CASES = [Case(...), ...]`. `tests/test_authz.py`
checks every case for every role, and fails when a URL pattern in the project has no case at all.

Roles, all around one patient (`world.patient`):
  anonymous, self (the patient), other_patient, clinician (assigned), unassigned_clinician
  (on another patient's team), revoked_clinician (the patient revoked them), admin.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace

from tests.factories import AdminFactory, ClinicianFactory, MembershipFactory, PatientFactory

ROLES = ("anonymous", "self", "other_patient", "clinician", "unassigned_clinician", "revoked_clinician", "admin")

OK = "ok"  # 2xx, or a redirect that is not to the login page
LOGIN = "login"  # redirected to the login page

# The usual expectations, to be copied and adjusted with `expect(...)`.
PATIENT_DATA = {
    "anonymous": LOGIN,
    "self": OK,
    "other_patient": 404,
    "clinician": OK,
    "unassigned_clinician": 404,
    "revoked_clinician": 404,
    "admin": OK,
}
# A URL that names the patient but an object of someone else: nobody finds it.
FOREIGN_OBJECT = {role: (LOGIN if role == "anonymous" else 404) for role in ROLES}
PUBLIC = {role: OK for role in ROLES}
ANY_SIGNED_IN = {role: (LOGIN if role == "anonymous" else OK) for role in ROLES}
CLINICIANS_AND_ADMINS = {
    "anonymous": LOGIN,
    "self": 403,
    "other_patient": 403,
    "clinician": OK,
    "unassigned_clinician": OK,
    "revoked_clinician": OK,
    "admin": OK,
}
ADMIN_ONLY = {role: (LOGIN if role == "anonymous" else 403) for role in ROLES} | {"admin": OK}


def expect(base: Mapping[str, object], **overrides) -> dict:
    """A copy of `base` with some roles changed, e.g. expect(PATIENT_DATA, clinician=403)."""
    unknown = set(overrides) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    return {**base, **overrides}


class World(SimpleNamespace):
    """The people of the matrix; apps add their objects lazily inside their case functions."""

    def user_for(self, role: str):
        return (
            None
            if role == "anonymous"
            else getattr(self, role if role != "self" else "patient").user
            if role in ("self", "other_patient")
            else getattr(self, role)
        )


def build_world() -> World:
    patient = PatientFactory()
    other_patient = PatientFactory()
    clinician = ClinicianFactory()
    MembershipFactory(patient=patient, clinician=clinician)
    unassigned = ClinicianFactory()
    MembershipFactory(patient=other_patient, clinician=unassigned)
    revoked = ClinicianFactory()
    membership = MembershipFactory(patient=patient, clinician=revoked)
    membership.revoke(by=patient.user)
    return World(
        patient=patient,
        other_patient=other_patient,
        clinician=clinician,
        unassigned_clinician=unassigned,
        revoked_clinician=revoked,
        admin=AdminFactory(),
    )


def login(client, user) -> None:
    """Sign `user` in on `client` as a fully authenticated session."""
    client.force_login(user)


@dataclass(frozen=True)
class Case:
    """One request and what each role gets back."""

    url_name: str
    expected: Mapping[str, object]
    kwargs: Callable[[World], dict] = field(default=lambda w: {})
    method: str = "get"
    data: Callable[[World], dict] | None = None
    label: str = ""
    htmx: bool = False

    def __post_init__(self):
        missing = set(ROLES) - set(self.expected)
        assert not missing, f"{self.url_name}: no expectation for {missing}"

    @property
    def id(self) -> str:
        return f"{self.url_name}{'[' + self.label + ']' if self.label else ''}:{self.method}"


def patient_kwargs(world: World) -> dict:
    return {"patient_id": world.patient.pk}
