"""The profile's "on osteoporosis medication" checkbox and its date become courses of the unspecified drug.

Checked: a course from the date (or the day the profile was created) that has not stopped. Unchecked with a date
(medication stopped then): a course that started and stopped that day, so R5 still sees a change on that date.
Reversed: the checkbox is set again from the courses (any course not stopped) and the date from the latest start
or stop, and the courses made here are removed.
"""

from django.db import migrations
from django.db.models import Max

NOTE = "From the profile's medication checkbox, before courses were recorded."
LEGACY_REGIMEN = "unspecified"


def checkbox_to_courses(apps, schema_editor):
    PatientProfile = apps.get_model("accounts", "PatientProfile")
    Regimen = apps.get_model("treatment", "Regimen")
    Course = apps.get_model("treatment", "Course")
    profiles = PatientProfile.objects.filter(on_osteoporosis_medication=True) | PatientProfile.objects.filter(
        medication_changed_on__isnull=False
    )
    profiles = list(profiles.values("pk", "on_osteoporosis_medication", "medication_changed_on", "created_at"))
    if not profiles:
        return
    from bonetrack.treatment.catalogue import load_catalogue

    # Loaded by 0002; loaded again (adding only what is missing) in case the unspecified drug was deleted since.
    load_catalogue(apps.get_model("treatment", "Drug"), Regimen)
    regimen = Regimen.objects.get(slug=LEGACY_REGIMEN)
    courses = []
    for row in profiles:
        if row["on_osteoporosis_medication"]:
            started = row["medication_changed_on"] or row["created_at"].date()
            courses.append(Course(patient_id=row["pk"], regimen=regimen, started_on=started, notes=NOTE))
        else:
            day = row["medication_changed_on"]
            courses.append(
                Course(patient_id=row["pk"], regimen=regimen, started_on=day, ended_on=day, stop_reason="other", notes=NOTE)
            )
    Course.objects.bulk_create(courses)


def courses_to_checkbox(apps, schema_editor):
    PatientProfile = apps.get_model("accounts", "PatientProfile")
    Course = apps.get_model("treatment", "Course")
    for patient_id in Course.objects.values_list("patient_id", flat=True).distinct():
        courses = Course.objects.filter(patient_id=patient_id)
        latest = max(
            (day for day in courses.aggregate(start=Max("started_on"), end=Max("ended_on")).values() if day), default=None
        )
        PatientProfile.objects.filter(pk=patient_id).update(
            on_osteoporosis_medication=courses.filter(ended_on__isnull=True).exists(), medication_changed_on=latest
        )
    Course.objects.filter(regimen__slug=LEGACY_REGIMEN, notes=NOTE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("treatment", "0002_load_catalogue"),
        ("accounts", "0002_menopause_women_only_medication_after_birth"),
    ]

    operations = [migrations.RunPython(checkbox_to_courses, courses_to_checkbox)]
