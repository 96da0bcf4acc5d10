from bonetrack.core.navigation import Tab

PATIENT_TABS = [Tab("Access log", "audit:access-log", order=95)]
