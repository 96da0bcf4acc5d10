from bonetrack.core.navigation import Tab

PATIENT_TABS = [Tab("Dashboard", "dashboard:patient-dashboard", order=0)]
