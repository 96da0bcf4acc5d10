from bonetrack.core.navigation import Tab

PATIENT_TABS = [Tab("Labs", "labs:lab-list", order=60, section="labs:")]
