"""The exercise pages, one module per page group; `exercise/urls.py` names every view."""

from .deleting import entry_delete, exercise_undo, session_delete
from .entries import entry_add
from .flags import flag_list
from .history import history, progression
from .library import library
from .sessions import session_add, session_edit, session_repeat
from .week import week

__all__ = [
    "entry_add",
    "entry_delete",
    "exercise_undo",
    "flag_list",
    "history",
    "library",
    "progression",
    "session_add",
    "session_delete",
    "session_edit",
    "session_repeat",
    "week",
]
