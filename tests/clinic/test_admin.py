import re

from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.factories import AdminFactory, ClinicianFactory, PatientFactory

User = get_user_model()
CHANGELIST = reverse("admin:accounts_user_changelist")


def _admin_client(client):
    admin = AdminFactory()
    client.force_login(admin)
    return admin


def test_user_list_offers_invitations_instead_of_accounts_with_passwords(client, db):
    _admin_client(client)
    response = client.get(CHANGELIST).content.decode()
    invite = reverse("admin:careteams_staffinvitation_add")
    assert f'href="{invite}?role=clinician"' in response and f'href="{invite}?role=admin"' in response
    assert f'href="{reverse("admin:accounts_user_add")}' not in response
    assert client.get(reverse("admin:accounts_user_add")).status_code == 403
    form = client.get(invite, {"role": "clinician"}).context["adminform"].form
    assert form.initial["role"] == "clinician"


def test_deactivate_action(client, db):
    admin = _admin_client(client)
    clinician, patient = ClinicianFactory(), PatientFactory()
    response = client.post(
        CHANGELIST, {"action": "deactivate", "_selected_action": [clinician.pk, patient.user.pk, admin.pk]}, follow=True
    )
    assert response.status_code == 200
    assert not User.objects.get(pk=clinician.pk).is_active
    assert not User.objects.get(pk=patient.user.pk).is_active
    assert User.objects.get(pk=admin.pk).is_active
    assert "You cannot deactivate your own account" in response.content.decode()


def test_force_password_reset_clears_the_password_and_emails_a_working_link(client, db):
    _admin_client(client)
    clinician = ClinicianFactory()
    client.post(CHANGELIST, {"action": "force_password_reset", "_selected_action": [clinician.pk]})
    clinician.refresh_from_db()
    assert not clinician.has_usable_password()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [clinician.email]
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[0].body).group(1)
    client.logout()
    page = client.get(link, follow=True)
    assert page.status_code == 200
    new_password = "a-brand-new-passphrase-42"
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    done = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert done.status_code == 302
    clinician.refresh_from_db()
    assert clinician.check_password(new_password)


def test_clinicians_cannot_open_the_admin(client, db):
    client.force_login(ClinicianFactory())
    response = client.get(CHANGELIST)
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_the_authenticator_admin_shows_type_and_dates_but_never_the_secret(client, db):
    _admin_client(client)
    clinician = ClinicianFactory()
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    authenticator = TOTP.activate(clinician, secret).instance
    stored = authenticator.data["secret"]
    assert secret not in stored  # encrypted at rest
    changelist = client.get(reverse("admin:mfa_authenticator_changelist")).content.decode()
    change_url = reverse("admin:mfa_authenticator_change", args=[authenticator.pk])
    page = client.get(change_url).content.decode()
    assert clinician.display_name in changelist and "TOTP Authenticator" in page
    for content in (changelist, page):
        assert secret not in content and stored not in content and '"secret"' not in content
    # Read-only: nobody edits or adds one here (deleting one makes its owner enrol again).
    assert client.post(change_url, {"user": clinician.pk, "type": "totp", "data": '{"secret": "X"}'}).status_code == 403
    assert client.get(reverse("admin:mfa_authenticator_add")).status_code == 403
    authenticator.refresh_from_db()
    assert authenticator.data["secret"] == stored
