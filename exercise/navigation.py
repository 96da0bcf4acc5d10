from bonetrack.core.navigation import Tab

PATIENT_TABS = [Tab("Exercise", "exercise:week", order=40, section="exercise:")]
