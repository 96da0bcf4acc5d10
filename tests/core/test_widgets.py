import re

import pytest
from django import forms

from bonetrack.core.timezones import time_zone_choices, validate_time_zone
from bonetrack.core.widgets import LongSelect


def _normalise(html: str) -> str:
    return re.sub(r"\s+", "", html)


def test_long_select_renders_what_djangos_select_renders():
    class Plain(forms.Form):
        zone = forms.ChoiceField(choices=time_zone_choices)

    class Fast(forms.Form):
        zone = forms.ChoiceField(choices=time_zone_choices, widget=LongSelect)

    plain = str(Plain(initial={"zone": "Europe/London"})["zone"])
    fast = str(Fast(initial={"zone": "Europe/London"})["zone"])
    assert _normalise(fast) == _normalise(plain)
    assert fast.count(" selected") == 1
    assert '<option value="Europe/London" selected>London, Britain (UK)</option>' in fast
    assert '<optgroup label="Europe">' in fast


def test_long_select_escapes_values_and_labels():
    class Form(forms.Form):
        choice = forms.ChoiceField(choices=[('a"b', "<b>bold</b>")], widget=LongSelect)

    html = str(Form()["choice"])
    assert '<option value="a&quot;b">&lt;b&gt;bold&lt;/b&gt;</option>' in html


def test_time_zone_names_are_validated_against_the_cached_list():
    validate_time_zone("Asia/Tokyo")
    with pytest.raises(forms.ValidationError):
        validate_time_zone("Mars/Olympus_Mons")
    assert time_zone_choices() is not time_zone_choices()  # callers get their own list
