from exercise.library import LIBRARY, load_library
from exercise.models import Exercise

REQUIRED = {
    "weight_bearing": {"brisk-walking", "jogging", "stair-climbing", "dancing", "elliptical", "hiking"},
    "resistance": {
        "squat",
        "hip-hinge",
        "overhead-press",
        "row",
        "resistance-bands",
        "wall-push-ups",
        "sit-to-stand",
        "lying-leg-raises",
        "heel-raises",
    },
    "balance": {"tai-chi", "single-leg-stand", "heel-to-toe-walk"},
    "posture": {"back-extensions", "prone-back-raise"},
}
HIGH_IMPACT = {"jumping", "skipping-rope", "running", "jump-landings"}
FLEXION_OR_TWIST = {"sit-ups", "crunches", "toe-touches", "golf-swing", "loaded-forward-bends"}


def test_library_holds_the_required_exercises(db):
    by_slug = {e.slug: e for e in Exercise.objects.all()}
    for category, slugs in REQUIRED.items():
        assert {s for s in slugs if by_slug[s].category == category} == slugs
    assert {s for s, e in by_slug.items() if e.impact == "high"} == HIGH_IMPACT
    assert {s for s, e in by_slug.items() if e.spinal_flexion_or_twist} == FLEXION_OR_TWIST
    assert by_slug["brisk-walking"].impact == "low"
    assert all(by_slug[s].safer_alternative for s in HIGH_IMPACT | FLEXION_OR_TWIST)


def test_load_library_is_idempotent_and_keeps_admin_edits(db):
    walking = Exercise.objects.get(slug="brisk-walking")
    walking.how_to = "Edited by the care team."
    walking.save()
    Exercise.objects.filter(slug="tai-chi").delete()
    assert load_library() == (1, len(LIBRARY) - 1)
    assert load_library() == (0, len(LIBRARY))
    assert Exercise.objects.get(slug="brisk-walking").how_to == "Edited by the care team."
    assert Exercise.objects.count() == len(LIBRARY)
