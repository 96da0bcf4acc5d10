import datetime as dt

import factory
from allauth.account.models import EmailAddress
from factory.django import DjangoModelFactory

from bonetrack.accounts.models import Fall, Fracture, PatientProfile, User
from bonetrack.careteams.models import CareTeamMembership
from bonetrack.treatment.catalogue import load_catalogue
from bonetrack.treatment.models import Course, Dose, Regimen

PASSWORD = "correct-horse-battery-9"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = "patient"
    time_zone = "UTC"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class ClinicianFactory(UserFactory):
    role = "clinician"


class AdminFactory(UserFactory):
    role = "admin"
    is_staff = True
    is_superuser = True


class PatientFactory(DjangoModelFactory):
    """A patient profile with its user."""

    class Meta:
        model = PatientProfile

    user = factory.SubFactory(UserFactory, role="patient")
    date_of_birth = dt.date(1958, 5, 20)
    sex = "female"
    menopausal_status = "post"
    height_cm = 165
    weight_kg = 62


class FractureFactory(DjangoModelFactory):
    class Meta:
        model = Fracture

    patient = factory.SubFactory(PatientFactory)
    site = "wrist"
    occurred_on = dt.date(2019, 3, 1)
    fragility = True


class FallFactory(DjangoModelFactory):
    class Meta:
        model = Fall

    patient = factory.SubFactory(PatientFactory)
    occurred_on = dt.date(2024, 1, 10)
    injury = False
    fracture = False


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = CareTeamMembership

    patient = factory.SubFactory(PatientFactory)
    clinician = factory.SubFactory(ClinicianFactory)


def catalogue_regimen(slug: str) -> Regimen:
    """A regimen of the drug catalogue. A data migration loads it; transactional tests flush it, so load it again."""
    regimen = Regimen.objects.select_related("drug").filter(slug=slug).first()
    if regimen is None:
        load_catalogue()
        regimen = Regimen.objects.select_related("drug").get(slug=slug)
    return regimen


class CourseFactory(DjangoModelFactory):
    """A current course of a catalogue regimen (loaded by migration): alendronate 70 mg weekly unless told."""

    class Meta:
        model = Course

    class Params:
        regimen_slug = "alendronate-70mg-weekly"

    patient = factory.SubFactory(PatientFactory)
    regimen = factory.LazyAttribute(lambda o: catalogue_regimen(o.regimen_slug))
    started_on = dt.date(2022, 1, 3)


class DoseFactory(DjangoModelFactory):
    class Meta:
        model = Dose

    course = factory.SubFactory(CourseFactory)
    on = factory.LazyAttribute(lambda o: o.course.started_on)
    status = factory.LazyAttribute(lambda o: "given" if o.course.regimen.clinic_given else "taken")
