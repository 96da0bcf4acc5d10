from django.apps import AppConfig


class UndoConfig(AppConfig):
    """The recycle bin: a deleted row waits here for a day, so "Undo" can put it back exactly as it was."""

    name = "bonetrack.undo"
    label = "undo"
    verbose_name = "Recently deleted"
