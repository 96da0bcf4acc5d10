from bonetrack.core.navigation import Tab

PATIENT_TABS = [
    Tab("Profile", "accounts:profile", order=80, section="accounts:"),
]
