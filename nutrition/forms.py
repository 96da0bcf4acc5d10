import datetime as dt
from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from bonetrack.core.date_display import format_day

from .models import (
    FOOD_MEALS,
    GRAMS,
    MAX_ITEM_GRAMS,
    OUNCES,
    Food,
    LogItem,
    NutrientTargetOverride,
    Portion,
    Supplement,
    SupplementKind,
    TargetNutrient,
)
from .targets import limit_for_target


def validate_log_date(day: dt.date, patient, today: dt.date) -> None:
    if day > today:
        raise forms.ValidationError(f"Choose today ({format_day(today)}) or an earlier day; future days cannot be logged.")
    if day < patient.date_of_birth:
        raise forms.ValidationError("Choose a day after your date of birth.")


def portion_choices(portions: list[Portion]) -> list[tuple[str, str]]:
    choices = [(str(p.pk), f"{p.plain_label} ({p.gram_weight.normalize():f} g)") for p in portions]
    return [*choices, (GRAMS, "grams"), (OUNCES, "ounces (28.35 g)")]


class ItemForm(forms.Form):
    """Portion and quantity of one food; refuses more than 5 kg. `amount()` is what LogItem.from_food takes."""

    meal = forms.ChoiceField(choices=[(m.value, m.label) for m in FOOD_MEALS])
    portion = forms.ChoiceField(label="Portion")
    quantity = forms.DecimalField(
        max_digits=7,
        decimal_places=2,
        initial=1,
        validators=[MinValueValidator(Decimal("0.01"))],
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )

    def __init__(self, *args, food: Food | None, patient, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.food, self.patient, self.today = food, patient, today
        portions = list(food.portions.all()) if food is not None else []
        self.fields["portion"].choices = portion_choices(portions)
        self.portions = {str(p.pk): p for p in portions}
        self.fields["quantity"].error_messages["min_value"] = "Enter a quantity above 0."

    def clean_quantity(self):
        quantity = self.cleaned_data["quantity"]
        if quantity is not None and quantity <= 0:
            raise forms.ValidationError("Enter a quantity above 0.")
        return quantity

    @staticmethod
    def initial_for(item: LogItem) -> dict:
        """The form's values for an item already logged."""
        measure = str(item.portion_id) if item.portion_id else (GRAMS if item.unit_label == GRAMS else OUNCES)
        return {"meal": item.meal, "quantity": item.quantity.normalize(), "portion": measure}

    def clean(self):
        cleaned = super().clean()
        key, quantity = cleaned.get("portion"), cleaned.get("quantity")
        if key and quantity:
            grams = quantity * LogItem.grams_per_unit(*self._measure(key))
            if grams > MAX_ITEM_GRAMS:
                self.add_error(
                    "quantity", f"That is {grams:,.0f} g. One item can be at most 5 kg (5,000 g); split it or check the amount."
                )
        return cleaned

    def _measure(self, key: str) -> tuple[Portion | None, str]:
        """The chosen portion, or None and the unit (grams or ounces)."""
        portion = self.portions.get(key)
        return (portion, GRAMS) if portion is not None else (None, key)

    def amount(self) -> dict:
        """The meal, portion (or unit) and quantity chosen: keyword arguments for LogItem.from_food and change_amount."""
        portion, unit = self._measure(self.cleaned_data["portion"])
        return {"meal": self.cleaned_data["meal"], "quantity": self.cleaned_data["quantity"], "portion": portion, "unit": unit}


class AddItemForm(ItemForm):
    date = forms.DateField(widget=forms.HiddenInput)
    food = forms.IntegerField(widget=forms.HiddenInput)

    field_order = ["date", "food", "meal", "portion", "quantity"]

    def clean(self):
        cleaned = super().clean()
        # The date and food are hidden fields: their errors are shown above the form.
        if "date" in self.errors:
            self.errors.pop("date")
            self.add_error(None, "The day is not a valid date; reload the page and try again.")
        elif cleaned.get("date"):
            try:
                validate_log_date(cleaned["date"], self.patient, self.today)
            except forms.ValidationError as error:
                self.add_error(None, error)
        if self.food is None or cleaned.get("food") != self.food.pk:
            self.errors.pop("food", None)
            self.add_error(None, "Choose a food from the search results.")
        return cleaned


class CopyForm(forms.Form):
    """Copy the foods of an earlier day (or one meal of it) into a day."""

    source_date = forms.DateField(label="Copy from", widget=forms.DateInput(attrs={"type": "date"}))
    source_meal = forms.ChoiceField(
        label="Which meal", choices=[("", "The whole day"), *((m.value, m.label) for m in FOOD_MEALS)], required=False
    )
    target_meal = forms.ChoiceField(
        label="Into", choices=[("", "The same meals"), *((m.value, m.label) for m in FOOD_MEALS)], required=False
    )
    date = forms.DateField(widget=forms.HiddenInput)

    def __init__(self, *args, patient, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient, self.today = patient, today

    def clean_source_date(self):
        day = self.cleaned_data["source_date"]
        validate_log_date(day, self.patient, self.today)
        return day

    def clean(self):
        cleaned = super().clean()
        if "date" in self.errors:
            self.errors.pop("date")
            self.add_error(None, "The day to copy into is not a valid date.")
        elif cleaned.get("date"):
            try:
                validate_log_date(cleaned["date"], self.patient, self.today)
            except forms.ValidationError as error:
                self.add_error(None, error)
        if cleaned.get("source_date") and cleaned.get("source_date") == cleaned.get("date") and not cleaned.get("target_meal"):
            self.add_error("source_date", "Choose a different day, or a meal to copy into.")
        return cleaned


class SupplementTickForm(forms.Form):
    """The day a plan supplement was taken: refused when it is not a day the patient could have taken it."""

    date = forms.DateField(
        error_messages={"required": "Choose the day it was taken.", "invalid": "The day is not a valid date; reload the page."}
    )

    def __init__(self, *args, patient, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient, self.today = patient, today

    def clean_date(self):
        day = self.cleaned_data["date"]
        validate_log_date(day, self.patient, self.today)
        return day


# Physically possible per 100 g: energy cannot exceed pure fat (9 kcal/g); masses cannot exceed 100 g together.
MAX_KCAL_PER_100G = Decimal(900)
# More vitamin D or K than this per 100 g (0.1 g of the vitamin) is a unit mix-up, not a food.
MAX_VITAMIN_D_IU_PER_100G = Decimal(4_000_000)
MAX_VITAMIN_K_MCG_PER_100G = Decimal(100_000)
# The most one serving (at most MAX_ITEM_GRAMS) can hold: each value is bounded before any per-100 g arithmetic.
_SERVINGS = MAX_ITEM_GRAMS // 100
ENTRY_MAX = {
    "energy_kcal": MAX_KCAL_PER_100G * _SERVINGS,
    "protein_g": Decimal(MAX_ITEM_GRAMS),
    "calcium_mg": Decimal(MAX_ITEM_GRAMS * 1000),
    "vitamin_d_iu": MAX_VITAMIN_D_IU_PER_100G * _SERVINGS,
    "magnesium_mg": Decimal(MAX_ITEM_GRAMS * 1000),
    "vitamin_k_mcg": MAX_VITAMIN_K_MCG_PER_100G * _SERVINGS,
    "sodium_mg": Decimal(MAX_ITEM_GRAMS * 1000),
    "caffeine_mg": Decimal(MAX_ITEM_GRAMS * 1000),
}


class CustomFoodForm(forms.ModelForm):
    """A patient's own food, entered per 100 g or per serving; `custom_food()` gives it per 100 g.

    The model's fields give the labels and limits; the food is created by `Food.objects.create_custom`.
    """

    PER_100G, PER_SERVING = "100g", "serving"
    basis = forms.ChoiceField(
        label="The values are",
        choices=[(PER_100G, "per 100 g"), (PER_SERVING, "per serving")],
        widget=forms.RadioSelect,
        initial=PER_100G,
    )
    serving_name = forms.CharField(label="Serving name", max_length=60, required=False, help_text='e.g. "bar", "glass", "slice".')
    serving_grams = forms.DecimalField(
        label="Serving weight (g)",
        max_digits=7,
        decimal_places=1,
        required=False,
        min_value=Decimal("0.1"),
        max_value=MAX_ITEM_GRAMS,
    )
    vitamin_d_iu = forms.FloatField(label="Vitamin D (IU)", required=False, min_value=0)

    class Meta:
        model = Food
        fields = [
            "description",
            "energy_kcal",
            "protein_g",
            "calcium_mg",
            "magnesium_mg",
            "vitamin_k_mcg",
            "sodium_mg",
            "caffeine_mg",
        ]
        labels = {
            "description": "Name",
            "energy_kcal": "Energy (kcal)",
            "protein_g": "Protein (g)",
            "calcium_mg": "Calcium (mg)",
            "magnesium_mg": "Magnesium (mg)",
            "vitamin_k_mcg": "Vitamin K (mcg)",
            "sodium_mg": "Sodium (mg)",
            "caffeine_mg": "Caffeine (mg)",
        }

    NUMBER_FIELDS = (
        "energy_kcal",
        "protein_g",
        "calcium_mg",
        "vitamin_d_iu",
        "magnesium_mg",
        "vitamin_k_mcg",
        "sodium_mg",
        "caffeine_mg",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.NUMBER_FIELDS:
            field = self.fields[name]
            field.required = False
            field.min_value = 0
            field.validators.append(MaxValueValidator(ENTRY_MAX[name], f"Enter {ENTRY_MAX[name]:,} or less; check the unit."))
            field.widget = forms.NumberInput(
                attrs={"step": "any", "min": "0", "max": str(ENTRY_MAX[name]), "inputmode": "decimal"}
            )
            field.help_text = "Leave empty if unknown." if name == "energy_kcal" else ""
        self.fields["description"].help_text = "Only you see your own foods."
        self.order_fields(["description", "basis", "serving_name", "serving_grams", *self.NUMBER_FIELDS])

    def clean(self):
        cleaned = super().clean()
        for name in self.NUMBER_FIELDS:
            value = cleaned.get(name)
            if value is not None and value < 0:
                self.add_error(name, "Enter 0 or more.")
        grams = cleaned.get("serving_grams")
        if cleaned.get("basis") == self.PER_SERVING and not grams:
            self.add_error("serving_grams", "Enter the weight of one serving, so per-100 g values can be worked out.")
            return cleaned
        if self.errors:
            return cleaned
        factor = Decimal(100) / grams if cleaned.get("basis") == self.PER_SERVING else Decimal(1)
        per_100g = {
            name: (None if cleaned.get(name) is None else Decimal(str(cleaned[name])) * factor) for name in self.NUMBER_FIELDS
        }
        where = "per 100 g" if factor == 1 else f"per 100 g (your serving is {grams.normalize():f} g)"
        if per_100g["energy_kcal"] is not None and per_100g["energy_kcal"] > MAX_KCAL_PER_100G:
            self.add_error(
                "energy_kcal", f"That is {per_100g['energy_kcal']:.0f} kcal {where}; no food has more than 900 (pure fat)."
            )
        mass_g = sum(
            (per_100g[name] or Decimal(0)) / divisor
            for name, divisor in (
                ("protein_g", 1),
                ("calcium_mg", 1000),
                ("magnesium_mg", 1000),
                ("sodium_mg", 1000),
                ("caffeine_mg", 1000),
            )
        )
        if mass_g > 100:
            self.add_error(
                None,
                f"Protein and minerals add up to {mass_g:.0f} g {where}: more than the food itself weighs. Check the values.",
            )
        if per_100g["vitamin_d_iu"] is not None and per_100g["vitamin_d_iu"] > MAX_VITAMIN_D_IU_PER_100G:
            self.add_error("vitamin_d_iu", "That much vitamin D is not possible in a food; check the unit (IU, not mcg).")
        if per_100g["vitamin_k_mcg"] is not None and per_100g["vitamin_k_mcg"] > MAX_VITAMIN_K_MCG_PER_100G:
            self.add_error("vitamin_k_mcg", "That much vitamin K is not possible in a food; check the unit (mcg, not mg).")
        cleaned["per_100g"] = per_100g
        return cleaned

    def custom_food(self) -> dict:
        """The food as entered, per 100 g: keyword arguments for Food.objects.create_custom (not ModelForm.save)."""
        per_serving = self.cleaned_data["basis"] == self.PER_SERVING
        return {
            "description": self.cleaned_data["description"],
            "per_100g": self.cleaned_data["per_100g"],
            "serving_name": self.cleaned_data["serving_name"] if per_serving else "",
            "serving_grams": self.cleaned_data["serving_grams"] if per_serving else None,
        }


class CustomFoodEditForm(CustomFoodForm):
    """A patient's own food corrected: opens with its values per 100 g and its serving (kept while filled in)."""

    def __init__(self, *args, food: Food, **kwargs):
        serving = next(iter(food.portions.all()), None)
        initial = {
            "description": food.description,
            "basis": self.PER_100G,
            "serving_name": serving.measure if serving else "",
            "serving_grams": f"{serving.gram_weight.normalize():f}" if serving else None,
            **{name: _plain_number(value) for name, value in food.per_100g().items() if name != "vitamin_k_mcg"},
            # The form takes vitamin K1 as entered; per_100g() would add MK-4, which a patient's own food never has.
            "vitamin_k_mcg": _plain_number(food.vitamin_k_mcg),
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["serving_grams"].help_text = "Offered as a portion when you log this food. Leave empty for none."

    def custom_food(self) -> dict:
        """As CustomFoodForm's, except that a serving filled in is kept whichever basis the values are given on."""
        grams = self.cleaned_data["serving_grams"]
        name = self.cleaned_data["serving_name"] if grams else ""
        return {**super().custom_food(), "serving_name": name, "serving_grams": grams}


def _plain_number(value: float | None) -> str | None:
    """A stored float as typed: 120.0 → "120", 0.35 → "0.35"."""
    return None if value is None else f"{Decimal(str(value)).normalize():f}"


class SupplementForm(forms.ModelForm):
    class Meta:
        model = Supplement
        fields = ["kind", "calcium_form", "name", "amount_per_unit", "units_per_dose", "doses_per_day"]
        labels = {"kind": "Supplement", "calcium_form": "Form of calcium"}
        widgets = {"amount_per_unit": forms.NumberInput(attrs={"step": "any", "min": "0", "inputmode": "decimal"})}

    MAX_PER_UNIT = {
        SupplementKind.CALCIUM: Decimal(1500),
        SupplementKind.VITAMIN_D3: Decimal(50000),
        SupplementKind.MAGNESIUM: Decimal(1000),
        SupplementKind.VITAMIN_K2: Decimal(1000),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["calcium_form"].required = False
        self.fields["calcium_form"].help_text = "Calcium only. Carbonate is absorbed best with food; citrate at any time."
        self.fields["units_per_dose"].widget.attrs.update(min=1, max=10)
        self.fields["doses_per_day"].widget.attrs.update(min=1, max=6)

    def clean(self):
        cleaned = super().clean()
        kind, amount = cleaned.get("kind"), cleaned.get("amount_per_unit")
        if kind == SupplementKind.CALCIUM and not cleaned.get("calcium_form"):
            self.add_error("calcium_form", "Choose carbonate or citrate (see the label).")
        if kind and kind != SupplementKind.CALCIUM:
            cleaned["calcium_form"] = ""
        if amount is not None and amount <= 0:
            self.add_error("amount_per_unit", "Enter an amount above 0.")
        elif kind and amount is not None and amount > self.MAX_PER_UNIT[kind]:
            self.add_error(
                "amount_per_unit",
                f"{amount.normalize():f} per tablet is more than any {SupplementKind(kind).label} tablet holds; check the unit.",
            )
        units, doses = cleaned.get("units_per_dose"), cleaned.get("doses_per_day")
        if units is not None and not 1 <= units <= 10:
            self.add_error("units_per_dose", "Enter 1 to 10 tablets.")
        if doses is not None and not 1 <= doses <= 6:
            self.add_error("doses_per_day", "Enter 1 to 6 doses.")
        return cleaned


class TargetOverrideForm(forms.Form):
    """One field per nutrient: a value overrides the default rule; empty returns to it.

    A value above the nutrient's upper limit (R7: calcium 2500 / 2000 mg by age, vitamin D 4000 IU) is saved only
    with its confirmation box ticked and a reason, which is stored with the override.
    """

    def __init__(self, *args, defaults, overrides: dict[str, NutrientTargetOverride], **kwargs):
        super().__init__(*args, **kwargs)
        self.limits: dict[str, Decimal] = {}
        for nutrient, target in defaults.items():
            default = f"{target.value:.0f}" if target.value is not None else "none"
            override = overrides.get(nutrient)
            label = NutrientTargetOverride(nutrient=nutrient).get_nutrient_display()
            self.fields[nutrient] = forms.DecimalField(
                label=label,
                required=False,
                max_digits=8,
                decimal_places=1,
                min_value=Decimal("0.1"),
                max_value=100000,
                initial=override.value.normalize() if override is not None else None,
                help_text=f"Default rule: {default} ({target.rule}). Leave empty to use it.",
                widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
            )
            limit = limit_for_target(target)
            if limit is None:
                continue
            self.limits[nutrient] = limit
            above = override is not None and override.value > limit
            unit = label.rsplit("(", 1)[-1].rstrip(")")
            self.fields[f"{nutrient}_confirm"] = forms.BooleanField(
                label=f"{label.split(' (')[0]}: I mean a target above the upper limit of {limit:,.0f} {unit}",
                required=False,
                initial=above,
            )
            self.fields[f"{nutrient}_reason"] = forms.CharField(
                label=f"{label.split(' (')[0]}: reason for going above the upper limit",
                required=False,
                max_length=200,
                initial=override.reason if above else "",
                help_text="Needed only for a target above the upper limit; shown with the target.",
            )

    def clean(self):
        cleaned = super().clean()
        for nutrient, limit in self.limits.items():
            value = cleaned.get(nutrient)
            if value is None or value <= limit:
                continue
            what, unit = self.fields[nutrient].label.removesuffix(")").split(" (")
            if not cleaned.get(f"{nutrient}_confirm"):
                self.add_error(
                    f"{nutrient}_confirm",
                    f"{what} {value.normalize():,f} {unit} is above the upper limit of {limit:,.0f} {unit}. "
                    "Tick this box if you mean it.",
                )
            if not (cleaned.get(f"{nutrient}_reason") or "").strip():
                self.add_error(f"{nutrient}_reason", f"Give the reason for a {what.lower()} target above the upper limit.")
        return cleaned

    def values(self) -> dict[str, Decimal | None]:
        """The target of each nutrient (None: the default rule), for NutrientTargetOverride.objects.set_values."""
        return {name: self.cleaned_data[name] for name in self.fields if name in TargetNutrient.values}

    def reasons(self) -> dict[str, str]:
        """The reason of each target above its upper limit; other targets keep none."""
        return {
            nutrient: self.cleaned_data[f"{nutrient}_reason"].strip()
            for nutrient, limit in self.limits.items()
            if self.cleaned_data.get(nutrient) is not None and self.cleaned_data[nutrient] > limit
        }
