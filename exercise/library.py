"""The bone-loading exercise library (DOMAIN.md §6) and its idempotent loader.

`load_library()` creates the exercises that are missing and never overwrites one that exists, so edits made in
the admin survive `migrate`, `load_reference_data` and test fixtures that call it again.
"""

from dataclasses import dataclass

WB, RES, BAL, POS, FLEX = "weight_bearing", "resistance", "balance", "posture", "flexibility"
NONE, LOW, MOD, HIGH = "none", "low", "moderate", "high"

WALK_INSTEAD = "Brisk walking or an elliptical: steady weight-bearing at brisk-walk impact."
HINGE_INSTEAD = "Hip hinge with a straight back, load held close to the body."
CORE_INSTEAD = "Prone back raise, or lying leg raises with the back kept flat."


@dataclass(frozen=True)
class LibraryExercise:
    slug: str
    name: str
    category: str
    impact: str
    how_to: str
    safer_alternative: str = ""
    spinal_flexion_or_twist: bool = False


LIBRARY: tuple[LibraryExercise, ...] = (
    # Weight-bearing aerobic.
    LibraryExercise(
        "brisk-walking",
        "Brisk walking",
        WB,
        LOW,
        "Walk fast enough to feel warm and slightly out of breath, upright, arms swinging. Build up to 30 minutes.",
        "Walk at an easy pace on level ground.",
    ),
    LibraryExercise(
        "jogging", "Jogging", WB, MOD, "Run at an easy, conversational pace on a soft, even surface; land softly.", WALK_INSTEAD
    ),
    LibraryExercise(
        "stair-climbing",
        "Stair climbing",
        WB,
        MOD,
        "Climb stairs at a steady pace, upright, holding the rail.",
        "Climb stairs slowly, one step at a time, holding the rail, or walk briskly on the flat.",
    ),
    LibraryExercise(
        "dancing",
        "Dancing",
        WB,
        MOD,
        "Any dance that keeps you on your feet; stepping and rhythm load the hips and spine.",
        "Gentle dancing without jumps or spins, or brisk walking.",
    ),
    LibraryExercise(
        "elliptical",
        "Elliptical trainer",
        WB,
        LOW,
        "Stand tall, hold the handles lightly, and keep a steady rhythm.",
        "Walk at an easy pace.",
    ),
    LibraryExercise(
        "hiking", "Hiking", WB, LOW, "Walk on trails with good shoes; poles help balance on slopes.", "Walk on level paths."
    ),
    LibraryExercise(
        "running",
        "Running",
        WB,
        HIGH,
        "Run faster than a jog; each stride lands with several times your body weight.",
        WALK_INSTEAD,
    ),
    LibraryExercise(
        "jumping",
        "Jumping",
        WB,
        HIGH,
        "Small two-footed jumps, landing softly through the whole foot with bent knees.",
        "Heel raises, or brisk walking.",
    ),
    LibraryExercise(
        "skipping-rope",
        "Skipping rope",
        WB,
        HIGH,
        "Small, quick hops over a rope, landing on the balls of the feet.",
        "Marching on the spot, or brisk walking.",
    ),
    LibraryExercise(
        "jump-landings",
        "Jump landings",
        WB,
        HIGH,
        "Step off a low step and land on both feet, knees soft.",
        "Heel raises, or stepping down slowly from a low step.",
    ),
    LibraryExercise(
        "golf-swing",
        "Golf (full swing)",
        WB,
        LOW,
        "A round of golf means walking plus a rotating swing with the feet planted.",
        "Walk the course and use a shorter, three-quarter swing that turns the hips with the shoulders; or brisk walking.",
        spinal_flexion_or_twist=True,
    ),
    # Resistance.
    LibraryExercise(
        "squat",
        "Squat (free weights)",
        RES,
        NONE,
        "Feet hip-width apart, sit back and down, chest up, weights at the shoulders or sides; stand up through the heels.",
        "Sit-to-stand from a chair.",
    ),
    LibraryExercise(
        "hip-hinge",
        "Hip hinge / deadlift (free weights)",
        RES,
        NONE,
        "Push the hips back with a straight back and the weight close to the legs; stand up by squeezing the buttocks.",
        "Hip hinge with a light weight or a dowel along the back, under supervision.",
    ),
    LibraryExercise(
        "overhead-press",
        "Overhead press (free weights)",
        RES,
        NONE,
        "Stand or sit tall, press the weights from shoulder height to overhead without arching the back.",
        "Seated press with lighter weights.",
    ),
    LibraryExercise(
        "row",
        "Row (free weights)",
        RES,
        NONE,
        "With a straight back and one hand supported, pull the weight towards the hip, squeezing the shoulder blade.",
        "Band row, sitting tall.",
    ),
    LibraryExercise(
        "resistance-bands",
        "Resistance band workout",
        RES,
        NONE,
        "Rows, presses, leg presses and pull-aparts with a band, slowly, 8–12 repetitions each.",
        "A lighter band.",
    ),
    LibraryExercise(
        "wall-push-ups",
        "Wall push-ups",
        RES,
        NONE,
        "Hands on the wall at shoulder height, body straight; bend the elbows to bring the chest to the wall, then push away.",
        "Stand closer to the wall.",
    ),
    LibraryExercise(
        "sit-to-stand",
        "Sit-to-stand from a chair",
        RES,
        NONE,
        "From a firm chair, lean forward from the hips, back straight, and stand up without using your hands; sit down slowly.",
        "Use your hands on the armrests.",
    ),
    LibraryExercise(
        "lying-leg-raises",
        "Lying leg raises",
        RES,
        NONE,
        "Lie on your back or side with the spine flat and raise one straight leg slowly, then lower it.",
        "Smaller range, one leg at a time.",
    ),
    LibraryExercise(
        "heel-raises",
        "Heel raises",
        RES,
        NONE,
        "Holding a counter, rise onto the balls of the feet and lower slowly.",
        "Seated heel raises.",
    ),
    LibraryExercise(
        "sit-ups", "Sit-ups", RES, NONE, "Curling the trunk up from lying to sitting.", CORE_INSTEAD, spinal_flexion_or_twist=True
    ),
    LibraryExercise(
        "crunches",
        "Crunches",
        RES,
        NONE,
        "Curling the shoulders off the floor towards the knees.",
        CORE_INSTEAD,
        spinal_flexion_or_twist=True,
    ),
    LibraryExercise(
        "loaded-forward-bends",
        "Loaded forward bends (lifting with a rounded back)",
        RES,
        NONE,
        "Bending forward from the spine while holding or lifting a load, such as lifting from the floor.",
        HINGE_INSTEAD,
        spinal_flexion_or_twist=True,
    ),
    # Balance.
    LibraryExercise(
        "tai-chi",
        "Tai chi",
        BAL,
        NONE,
        "Slow, flowing movements shifting weight from foot to foot, upright.",
        "Tai chi in a class adapted for bone health.",
    ),
    LibraryExercise(
        "single-leg-stand",
        "Single-leg stand",
        BAL,
        NONE,
        "Stand on one leg next to a counter for up to 30 seconds, then swap.",
        "Keep a fingertip on the counter.",
    ),
    LibraryExercise(
        "heel-to-toe-walk",
        "Heel-to-toe walk",
        BAL,
        LOW,
        "Walk in a straight line placing the heel of one foot directly in front of the toes of the other.",
        "Walk beside a wall or counter.",
    ),
    # Posture / back extensors.
    LibraryExercise(
        "back-extensions",
        "Back extensions",
        POS,
        NONE,
        "Sitting or standing tall, draw the shoulders back and gently lift the chest, keeping the chin tucked.",
        "Standing tall against a wall.",
    ),
    LibraryExercise(
        "prone-back-raise",
        "Prone back raise",
        POS,
        NONE,
        "Lying face down, lift the head and shoulders a few centimetres, hold, and lower slowly.",
        "A pillow under the hips; lift only the head.",
    ),
    # Flexibility.
    LibraryExercise(
        "toe-touches",
        "Toe touches",
        FLEX,
        NONE,
        "Bending forward from the waist to reach the toes.",
        "Hamstring stretch lying on your back with a strap, spine flat.",
        spinal_flexion_or_twist=True,
    ),
    LibraryExercise(
        "chest-stretch",
        "Chest and shoulder stretch",
        FLEX,
        NONE,
        "Standing in a doorway, forearms on the frame, step through gently to open the chest.",
        "",
    ),
)


def load_library(exercise_model=None) -> tuple[int, int]:
    """Create missing library exercises (by slug); return (created, already present). Never overwrites edits."""
    if exercise_model is None:
        from .models import Exercise as exercise_model
    existing = set(exercise_model.objects.values_list("slug", flat=True))
    missing = [
        exercise_model(
            slug=item.slug,
            name=item.name,
            category=item.category,
            impact=item.impact,
            spinal_flexion_or_twist=item.spinal_flexion_or_twist,
            how_to=item.how_to,
            safer_alternative=item.safer_alternative,
            position=position,
        )
        for position, item in enumerate(LIBRARY, start=1)
        if item.slug not in existing
    ]
    exercise_model.objects.bulk_create(missing)
    return len(missing), len(LIBRARY) - len(missing)
