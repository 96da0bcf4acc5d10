from bonetrack.core.navigation import Tab

PATIENT_TABS = [Tab("Bone density", "dexa:scan-list", order=10, section="dexa:")]
