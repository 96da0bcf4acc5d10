"""The user admin: the Django admin is for admins, whatever boxes were ticked."""

import pytest
from django.contrib import admin

from bonetrack.accounts.admin import UserAdmin
from bonetrack.accounts.models import Role, User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "staff"), [(Role.ADMIN, True), (Role.CLINICIAN, False), (Role.PATIENT, False)]
)
def test_saving_a_user_gives_the_admin_site_to_admins_only(rf, admin_user, role, staff):
    request = rf.post("/admin/accounts/user/add/")
    request.user = admin_user
    user = User(email=f"{role}@example.org", role=role, is_staff=not staff, is_superuser=not staff)
    UserAdmin(User, admin.site).save_model(request, user, form=None, change=False)
    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (staff, staff)
