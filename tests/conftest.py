import pytest
from django.core.cache import cache

from tests.authz import World, build_world
from tests.factories import AdminFactory, ClinicianFactory, MembershipFactory, PatientFactory


@pytest.fixture(autouse=True)
def _fast_tests(settings, tmp_path):
    """Test-only settings: a fast hasher, email kept in memory, export files in the test's own directory."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.EXPORT_ROOT = tmp_path / "exports"  # export ZIP files of a test stay in its own directory
    settings.REPORT_ROOT = tmp_path / "reports"  # and so do scan report files
    # allauth keeps its rate-limit counters in the cache: start every test with none.
    cache.clear()


@pytest.fixture(autouse=True)
def _static_files_without_manifest(settings):
    """Production's manifest storage needs `collectstatic` first; tests serve static files from their sources."""
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture(autouse=True)
def _mfa_not_required(settings):
    """Tests sign clinicians in with force_login; tests of the MFA requirement switch it back on."""
    settings.BONETRACK_REQUIRE_MFA = False


@pytest.fixture
def patient(db):
    return PatientFactory()


@pytest.fixture
def clinician(db, patient):
    """A clinician on `patient`'s care team."""
    clinician = ClinicianFactory()
    MembershipFactory(patient=patient, clinician=clinician)
    return clinician


@pytest.fixture
def admin_user(db):
    return AdminFactory()


@pytest.fixture
def patient_client(client, patient):
    client.force_login(patient.user)
    return client


@pytest.fixture
def clinician_client(client, clinician):
    client.force_login(clinician)
    return client


@pytest.fixture
def world(db) -> World:
    """Every role of the authorization matrix around one patient."""
    return build_world()
