from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "bonetrack.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .middleware import stamp_session

        # A fresh session starts its idle clock at sign-in, so the first page after it needs no extra write.
        user_logged_in.connect(
            lambda sender, request, user, **kwargs: stamp_session(request), weak=False, dispatch_uid="bonetrack.stamp_session"
        )
