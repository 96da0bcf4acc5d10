from bonetrack.core.navigation import Link, Tab

PATIENT_TABS = [Tab("Care team", "careteams:care-team", order=90)]
ROLE_LINKS = [Link("Patients", "careteams:patient-list", roles=frozenset({"clinician", "admin"}), order=10)]
