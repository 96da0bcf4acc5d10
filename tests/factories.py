import datetime as dt

import factory
from allauth.account.models import EmailAddress
from factory.django import DjangoModelFactory

from bonetrack.accounts.models import Fracture, PatientProfile, User
from bonetrack.careteams.models import CareTeamMembership

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


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = CareTeamMembership

    patient = factory.SubFactory(PatientFactory)
    clinician = factory.SubFactory(ClinicianFactory)
