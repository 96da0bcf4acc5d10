from bonetrack.core.navigation import Tab

PATIENT_TABS = [Tab("Nutrition", "nutrition:day", order=30, section="nutrition:")]
