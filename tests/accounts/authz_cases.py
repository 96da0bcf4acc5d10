from tests.authz import ANY_SIGNED_IN, LOGIN, PUBLIC, Case

# allauth's own pages. Signed-in users opening the sign-in/sign-up pages are sent on to their start page.
SIGNED_OUT_FLOW = PUBLIC
# Pages about an enrolled authenticator are 404 until the user has one.
NOTHING_ENROLLED = {role: 404 for role in PUBLIC} | {"anonymous": LOGIN}
CASES = [
    Case("account_login", SIGNED_OUT_FLOW),
    Case("account_signup", SIGNED_OUT_FLOW),
    Case("account_logout", ANY_SIGNED_IN),
    Case("account_inactive", PUBLIC),
    Case("account_reauthenticate", ANY_SIGNED_IN),
    Case("account_email", ANY_SIGNED_IN),
    Case("account_email_verification_sent", PUBLIC),
    Case("account_change_password", ANY_SIGNED_IN),
    Case("account_set_password", ANY_SIGNED_IN),
    Case("account_reset_password", PUBLIC),
    Case("account_reset_password_done", PUBLIC),
    Case("account_reset_password_from_key_done", PUBLIC),
    Case("account_reset_password_from_key", PUBLIC, kwargs=lambda w: {"uidb36": "1", "key": "set-password"}),
    Case("account_confirm_email", PUBLIC, kwargs=lambda w: {"key": "not-a-real-key"}),
    Case("account_confirm_login_code", PUBLIC | {"anonymous": LOGIN}),
    Case("mfa_index", ANY_SIGNED_IN),
    Case("mfa_authenticate", PUBLIC | {"anonymous": LOGIN}),
    Case("mfa_reauthenticate", ANY_SIGNED_IN),
    Case("mfa_activate_totp", ANY_SIGNED_IN),
    Case("mfa_deactivate_totp", NOTHING_ENROLLED),
    Case("mfa_view_recovery_codes", NOTHING_ENROLLED),
    Case("mfa_generate_recovery_codes", ANY_SIGNED_IN),
    Case("mfa_download_recovery_codes", NOTHING_ENROLLED),
]
