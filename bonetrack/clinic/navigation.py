from bonetrack.core.navigation import Link, Tab

PATIENT_TABS = [Tab("Timeline", "clinic:timeline", order=5, section="clinic:")]
ROLE_LINKS = [Link("Worklist", "clinic:worklist", roles=frozenset({"clinician", "admin"}), order=5)]
