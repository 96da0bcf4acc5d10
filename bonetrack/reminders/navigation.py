from bonetrack.core.navigation import Tab

PATIENT_TABS = [Tab("Reminders", "reminders:reminder-list", order=85, section="reminders:reminder")]
