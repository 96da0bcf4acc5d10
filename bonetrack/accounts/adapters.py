"""How allauth signs people in and confirms it is them again (ACCOUNT_ADAPTER)."""

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # allauth raises this only for second-factor codes here (see pre_authenticate).
        "too_many_login_attempts": (
            "Too many incorrect codes. For your security, the two-factor step for this account is paused for "
            "15 minutes; we have emailed you about it."
        ),
    }

    def pre_authenticate(self, request, **credentials):
        """Leave failed passwords to django-axes, so that a locked-out person always gets its lockout page.

        allauth would otherwise count them under the same `login_failed` limit that ACCOUNT_RATE_LIMITS sets
        for second-factor codes, and answer with a form error of its own.
        """

    def get_reauthentication_methods(self, user):
        """Once a second factor is set up, confirming "it is you" takes a code from it, not the password.

        allauth asks for this confirmation before an authenticator is removed, replaced or its recovery codes
        regenerated: with the password alone, whoever learnt it could swap the authenticator for their own.
        """
        methods = super().get_reauthentication_methods(user)
        second_factor = [method for method in methods if method["id"] != "reauthenticate"]
        return second_factor or methods
