import datetime as dt

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory

from bonetrack.core.date_display import format_day

from .models import Category, Exercise, ExerciseSession, SessionEntry

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NUMBER = {"inputmode": "numeric"}


def exercise_choices(exercises: list[Exercise]) -> list:
    """Select options grouped by category, built from one list so that many forms cost one query."""
    groups = {value: [] for value in Category.values}
    for exercise in exercises:
        groups.setdefault(exercise.category, []).append((exercise.pk, exercise.name))
    labels = dict(Category.choices)
    return [("", "Choose an exercise")] + [(labels.get(key, key), options) for key, options in groups.items() if options]


def validate_session_date(value: dt.date, *, born: dt.date, today: dt.date) -> None:
    """A session happens between the patient's birth and their local today."""
    if value > today:
        raise forms.ValidationError("The date can't be in the future.")
    if value < born:
        raise forms.ValidationError(f"The date can't be before the date of birth ({format_day(born)}).")


class EntryForm(forms.ModelForm):
    """One exercise in a session: minutes, or sets × reps × load for resistance work and back extensor exercises."""

    class Meta:
        model = SessionEntry
        fields = ["exercise", "minutes", "sets", "reps", "load", "load_unit", "effort", "notes"]
        labels = {"load_unit": "Unit", "effort": "Effort (1–10)"}
        widgets = {
            "minutes": forms.NumberInput(attrs=NUMBER),
            "sets": forms.NumberInput(attrs=NUMBER),
            "reps": forms.NumberInput(attrs=NUMBER),
            "load": forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.5"}),
            "effort": forms.NumberInput(attrs=NUMBER),
        }

    def __init__(self, *args, exercises: list[Exercise] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exercise"].queryset = Exercise.objects.all()
        if exercises is not None:
            self.fields["exercise"].choices = exercise_choices(exercises)
        self.fields["load_unit"].widget.attrs["aria-label"] = "Load unit"
        self.fields["notes"].widget.attrs["placeholder"] = "Optional"

    def clean(self):
        data = super().clean()
        exercise = data.get("exercise")
        if exercise is None:
            return data
        minutes, sets, reps, load = (data.get(name) for name in ("minutes", "sets", "reps", "load"))
        has_minutes, has_sets, has_reps = minutes is not None, sets is not None, reps is not None
        if exercise.counts_sets_and_reps:
            if has_sets and not has_reps and "reps" not in self.errors:
                self.add_error("reps", "Enter the reps as well as the sets.")
            elif has_reps and not has_sets and "sets" not in self.errors:
                self.add_error("sets", "Enter the sets as well as the reps.")
            elif not (has_sets or has_reps or has_minutes) and not (self.errors.keys() & {"sets", "reps", "minutes"}):
                work = "resistance work" if exercise.is_resistance else exercise.name.lower()
                self.add_error("sets", f"Enter sets and reps (or the minutes) for {work}.")
            if load is not None and not (has_sets and has_reps) and not (self.errors.keys() & {"load", "sets", "reps"}):
                self.add_error("load", "Enter sets and reps with the load.")
        elif not has_minutes and "minutes" not in self.errors:
            self.add_error("minutes", "Enter the minutes.")
        return data


class QuickEntryForm(EntryForm):
    """The quick-add form: a date plus one exercise."""

    date = forms.DateField(widget=DATE_INPUT, help_text="Your local date.")

    field_order = ["date", "exercise", "minutes", "sets", "reps", "load", "load_unit", "effort", "notes"]

    def __init__(self, *args, born: dt.date, today: dt.date, **kwargs):
        self.born, self.today = born, today
        super().__init__(*args, **kwargs)

    def clean_date(self):
        value = self.cleaned_data["date"]
        validate_session_date(value, born=self.born, today=self.today)
        return value


class SessionForm(forms.ModelForm):
    class Meta:
        model = ExerciseSession
        fields = ["date", "notes"]
        widgets = {"date": DATE_INPUT, "notes": forms.TextInput(attrs={"placeholder": "Optional"})}

    def __init__(self, *args, born: dt.date, today: dt.date, **kwargs):
        self.born, self.today = born, today
        super().__init__(*args, **kwargs)

    def clean_date(self):
        value = self.cleaned_data["date"]
        validate_session_date(value, born=self.born, today=self.today)
        return value


# The form shows the session's entries plus one or two blank rows. The cap bounds the submitted TOTAL_FORMS: without
# it, Django builds up to 2,000 forms (and renders them all back) for one request that claims that many.
MAX_ENTRIES_PER_SESSION = 30


class EntryFormSet(BaseInlineFormSet):
    """A session's entries, one row each; a row's DELETE box removes it."""

    def forms_to_check(self) -> list[EntryForm]:
        """The kept rows whose exercise is new to the session (an added row, or a changed exercise), once valid.

        Only these are checked against R10: an entry confirmed earlier keeps its record.
        """
        deleted = self.deleted_forms
        return [
            form
            for form in self.forms
            if form.has_changed()
            and form not in deleted
            and (form.instance.pk is None or "exercise" in form.changed_data)
            and form.cleaned_data.get("exercise")
        ]


def entry_formset(*, extra: int) -> type[EntryFormSet]:
    return inlineformset_factory(
        ExerciseSession,
        SessionEntry,
        form=EntryForm,
        formset=EntryFormSet,
        extra=extra,
        min_num=1,
        validate_min=True,
        max_num=MAX_ENTRIES_PER_SESSION,
        absolute_max=MAX_ENTRIES_PER_SESSION,
        validate_max=True,
        can_delete=True,
    )
