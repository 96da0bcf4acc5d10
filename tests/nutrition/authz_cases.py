from nutrition.models import Food, LogItem, Supplement
from tests.authz import FOREIGN_OBJECT, PATIENT_DATA, Case, expect, patient_kwargs
from tests.nutrition.factories import CustomFoodFactory, FoodFactory, LogItemFactory, SupplementFactory
from tests.undo.helpers import deleted, undo_kwargs

# Clinician-only POSTs on a patient: the patient gets 403; people who cannot see the patient get 404.
CARE_TEAM_ONLY = expect(PATIENT_DATA, self=403)


def _food(owner=None) -> Food:
    if owner is not None:
        return CustomFoodFactory(owner=owner, description="Family porridge", calcium_mg=120)
    return FoodFactory(ndb_no="99001", description="Test milk", calcium_mg=100)  # one shared food (get or create)


def _item(patient) -> LogItem:
    return LogItemFactory(patient=patient, day=patient.date_of_birth.replace(year=2020), food=_food(), quantity=100)


def _supplement(patient) -> Supplement:
    return SupplementFactory(patient=patient)


def _deleted_item(patient):
    return deleted(_item(patient), patient)


def item_kwargs(owner_attr):
    return lambda w: {"patient_id": w.patient.pk, "item_id": _item(getattr(w, owner_attr)).pk}


def supplement_kwargs(owner_attr):
    return lambda w: {"patient_id": w.patient.pk, "supplement_id": _supplement(getattr(w, owner_attr)).pk}


def custom_food_kwargs(owner_attr):
    return lambda w: {"patient_id": w.patient.pk, "food_id": _food(owner=getattr(w, owner_attr)).pk}


def add_data(w):
    return {"date": "2020-01-02", "food": _food().pk, "meal": "lunch", "portion": "g", "quantity": "100"}


CASES = [
    Case("nutrition:day", PATIENT_DATA, kwargs=patient_kwargs),
    Case("nutrition:food-search", PATIENT_DATA, kwargs=patient_kwargs, data=lambda w: {"q": "milk"}, htmx=True),
    Case("nutrition:food-search", PATIENT_DATA, kwargs=patient_kwargs, data=lambda w: {"q": "milk"}, label="no htmx"),
    Case("nutrition:item-add", PATIENT_DATA, kwargs=patient_kwargs, data=lambda w: {"food": _food().pk}, htmx=True),
    Case("nutrition:item-add", PATIENT_DATA, kwargs=patient_kwargs, method="post", data=add_data),
    Case(
        "nutrition:item-add",
        FOREIGN_OBJECT,
        kwargs=patient_kwargs,
        method="post",
        label="foreign custom food",
        data=lambda w: {**add_data(w), "food": _food(owner=w.other_patient).pk},
    ),
    Case("nutrition:item-edit", PATIENT_DATA, kwargs=item_kwargs("patient")),
    Case("nutrition:item-edit", FOREIGN_OBJECT, kwargs=item_kwargs("other_patient"), label="foreign item"),
    Case(
        "nutrition:item-edit",
        PATIENT_DATA,
        kwargs=item_kwargs("patient"),
        method="post",
        data=lambda w: {"meal": "dinner", "portion": "g", "quantity": "50"},
    ),
    Case(
        "nutrition:item-edit",
        FOREIGN_OBJECT,
        kwargs=item_kwargs("other_patient"),
        method="post",
        label="foreign item",
        data=lambda w: {"meal": "dinner", "portion": "g", "quantity": "50"},
    ),
    Case("nutrition:item-delete", PATIENT_DATA, kwargs=item_kwargs("patient"), method="post"),
    Case("nutrition:item-delete", FOREIGN_OBJECT, kwargs=item_kwargs("other_patient"), method="post", label="foreign item"),
    Case("nutrition:item-delete", PATIENT_DATA, kwargs=item_kwargs("patient")),
    Case("nutrition:item-delete", FOREIGN_OBJECT, kwargs=item_kwargs("other_patient"), label="foreign confirmation page"),
    Case("nutrition:item-undo", PATIENT_DATA, kwargs=undo_kwargs(_deleted_item, "patient"), method="post"),
    Case("nutrition:item-undo", FOREIGN_OBJECT, kwargs=undo_kwargs(_deleted_item, "other_patient"), method="post", label="other"),
    Case("nutrition:item-undo", {role: 405 for role in PATIENT_DATA}, kwargs=undo_kwargs(_deleted_item, "patient"), label="get"),
    Case(
        "nutrition:favourite-toggle",
        PATIENT_DATA,
        kwargs=lambda w: {"patient_id": w.patient.pk, "food_id": _food().pk},
        method="post",
    ),
    Case(
        "nutrition:favourite-toggle",
        FOREIGN_OBJECT,
        kwargs=custom_food_kwargs("other_patient"),
        method="post",
        label="foreign food",
    ),
    Case(
        "nutrition:day-copy",
        PATIENT_DATA,
        kwargs=patient_kwargs,
        method="post",
        data=lambda w: {"source_date": "2020-01-01", "date": "2020-01-02"},
    ),
    Case("nutrition:custom-food-list", PATIENT_DATA, kwargs=patient_kwargs),
    Case(
        "nutrition:custom-food-list",
        PATIENT_DATA,
        kwargs=patient_kwargs,
        method="post",
        data=lambda w: {"description": "Fortified oat drink", "basis": "100g", "calcium_mg": "120"},
    ),
    Case("nutrition:custom-food-delete", PATIENT_DATA, kwargs=custom_food_kwargs("patient"), method="post"),
    Case(
        "nutrition:custom-food-delete",
        FOREIGN_OBJECT,
        kwargs=custom_food_kwargs("other_patient"),
        method="post",
        label="foreign food",
    ),
    Case("nutrition:supplement-list", PATIENT_DATA, kwargs=patient_kwargs),
    Case(
        "nutrition:supplement-list",
        PATIENT_DATA,
        kwargs=patient_kwargs,
        method="post",
        data=lambda w: {"kind": "vitamin_d3", "amount_per_unit": "1000", "units_per_dose": "1", "doses_per_day": "1"},
    ),
    Case("nutrition:supplement-stop", PATIENT_DATA, kwargs=supplement_kwargs("patient"), method="post"),
    Case("nutrition:supplement-stop", FOREIGN_OBJECT, kwargs=supplement_kwargs("other_patient"), method="post", label="foreign"),
    Case(
        "nutrition:supplement-tick",
        PATIENT_DATA,
        kwargs=supplement_kwargs("patient"),
        method="post",
        data=lambda w: {"date": "2020-01-02"},
    ),
    Case("nutrition:supplement-tick", FOREIGN_OBJECT, kwargs=supplement_kwargs("other_patient"), method="post", label="foreign"),
    Case("nutrition:targets", PATIENT_DATA, kwargs=patient_kwargs),
    Case("nutrition:targets", CARE_TEAM_ONLY, kwargs=patient_kwargs, method="post", data=lambda w: {"calcium_mg": "1300"}),
    Case("nutrition:trends", PATIENT_DATA, kwargs=patient_kwargs),
]

SUPPLEMENT = {"kind": "vitamin_d3", "amount_per_unit": "2000", "units_per_dose": "1", "doses_per_day": "1", "name": "D3"}
CUSTOM_FOOD = {
    "description": "Family porridge",
    "basis": "serving",
    "serving_name": "bowl",
    "serving_grams": "250",
    "calcium_mg": "300",
}

# Correcting a supplement-plan line or one of the patient's own foods (the patient and their care team).
CASES += [
    Case("nutrition:supplement-edit", PATIENT_DATA, kwargs=supplement_kwargs("patient")),
    Case(
        "nutrition:supplement-edit", PATIENT_DATA, kwargs=supplement_kwargs("patient"), method="post", data=lambda w: SUPPLEMENT
    ),
    Case("nutrition:supplement-edit", FOREIGN_OBJECT, kwargs=supplement_kwargs("other_patient"), label="foreign"),
    Case(
        "nutrition:supplement-edit",
        FOREIGN_OBJECT,
        kwargs=supplement_kwargs("other_patient"),
        method="post",
        label="foreign",
        data=lambda w: SUPPLEMENT,
    ),
    Case("nutrition:custom-food-edit", PATIENT_DATA, kwargs=custom_food_kwargs("patient")),
    Case(
        "nutrition:custom-food-edit",
        PATIENT_DATA,
        kwargs=custom_food_kwargs("patient"),
        method="post",
        data=lambda w: CUSTOM_FOOD,
    ),
    Case("nutrition:custom-food-edit", FOREIGN_OBJECT, kwargs=custom_food_kwargs("other_patient"), label="foreign"),
    Case(
        "nutrition:custom-food-edit",
        FOREIGN_OBJECT,
        kwargs=custom_food_kwargs("other_patient"),
        method="post",
        label="foreign",
        data=lambda w: CUSTOM_FOOD,
    ),
]
