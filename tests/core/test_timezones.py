"""The time zones people choose from: canonical zones only (tzdata's zone.tab and zone1970.tab, plus UTC)."""

import pytest
from django import forms

from bonetrack.accounts.models import User
from bonetrack.core.timezones import (
    TimeZoneField,
    canonical_zone,
    canonical_zone_names,
    time_zone_choices,
    validate_time_zone,
    zone_label,
)
from tests.factories import AdminFactory, PatientFactory


def _offered(choices) -> list[str]:
    values = []
    for value, label in choices:
        values.extend(zone for zone, _ in label) if isinstance(label, list | tuple) else values.append(value)
    return values


class ZoneForm(forms.Form):
    zone = TimeZoneField()


def test_the_list_holds_canonical_zones_only():
    offered = _offered(time_zone_choices())
    assert len(offered) == len(set(offered)) == len(canonical_zone_names())
    assert {"Europe/London", "America/New_York", "Asia/Kolkata", "UTC", "Europe/Kyiv", "Europe/Oslo"} <= set(offered)
    assert not {"W-SU", "localtime", "US/Eastern", "Asia/Calcutta", "GMT", "Factory", "EST5EDT"} & set(offered)
    assert not [zone for zone in offered if zone.startswith("Etc/")]
    assert 380 < len(offered) < 450  # about 420, where every IANA name is about 600


def test_the_list_is_grouped_by_region_and_sorted_by_place():
    choices = time_zone_choices()
    assert choices[0] == ("UTC", "UTC (Coordinated Universal Time)")
    regions = [region for region, _ in choices[1:]]
    assert regions == sorted(regions) and {"Africa", "America", "Asia", "Europe", "Pacific"} <= set(regions)
    europe = dict(choices[1:])["Europe"]
    assert [label for _, label in europe] == sorted(label for _, label in europe)
    assert ("Europe/London", "London, Britain (UK)") in europe


def test_labels_name_the_place_and_country():
    assert zone_label("America/Indiana/Knox") == "Knox, Indiana, United States"
    assert zone_label("America/Argentina/Buenos_Aires") == "Buenos Aires, Argentina"
    assert zone_label("Asia/Kolkata") == "Kolkata, India"


@pytest.mark.parametrize(
    ("name", "zone"),
    [
        ("Europe/London", "Europe/London"),
        ("W-SU", "Europe/Moscow"),
        ("US/Eastern", "America/New_York"),
        ("Asia/Calcutta", "Asia/Kolkata"),  # what some browsers still report
        ("Europe/Kiev", "Europe/Kyiv"),
        ("GMT", "UTC"),
        ("Etc/Zulu", "UTC"),
        ("localtime", None),
        ("Etc/GMT+5", None),
        ("Mars/Olympus_Mons", None),
        ("", None),
        (None, None),
    ],
)
def test_old_names_map_to_their_canonical_zone(name, zone):
    assert canonical_zone(name) == zone


def test_the_form_field_accepts_canonical_zones():
    form = ZoneForm({"zone": "Asia/Kolkata"})
    assert form.is_valid()
    assert form.cleaned_data["zone"] == "Asia/Kolkata"


def test_the_form_field_refuses_an_old_name_and_says_which_zone_to_choose():
    form = ZoneForm({"zone": "W-SU"})
    assert not form.is_valid()
    assert form.errors["zone"] == ["W-SU is an old name for Europe/Moscow: choose Europe/Moscow from the list."]
    assert 'value="Europe/Moscow" selected' in str(form["zone"])  # shown as the zone it stands for


@pytest.mark.parametrize("value", ["localtime", "Etc/GMT+5", "Mars/Olympus_Mons", ""])
def test_the_form_field_refuses_what_is_not_a_canonical_zone(value):
    form = ZoneForm({"zone": value})
    assert not form.is_valid()
    assert "zone" in form.errors


def test_a_stored_old_name_is_shown_as_its_canonical_zone():
    html = str(ZoneForm(initial={"zone": "US/Eastern"})["zone"])
    assert 'value="America/New_York" selected' in html
    assert html.count(" selected") == 1


@pytest.mark.django_db
def test_the_model_still_accepts_any_zone_so_older_rows_save():
    validate_time_zone("W-SU")
    validate_time_zone("US/Eastern")
    user = User(email="old@example.org", time_zone="US/Eastern")
    user.full_clean(exclude=["password"])
    with pytest.raises(forms.ValidationError):
        validate_time_zone("Mars/Olympus_Mons")


@pytest.mark.django_db
def test_the_admins_user_form_offers_canonical_zones_and_keeps_an_old_name_shown_as_its_zone(client):
    patient = PatientFactory()
    User.objects.filter(pk=patient.user_id).update(time_zone="W-SU")
    client.force_login(AdminFactory())
    html = client.get(f"/admin/accounts/user/{patient.user_id}/change/").content.decode()
    assert '<optgroup label="Europe">' in html
    assert '<option value="Europe/Moscow" selected>' in html
    assert 'value="W-SU"' not in html and 'value="localtime"' not in html


@pytest.mark.django_db
def test_the_profile_page_offers_canonical_zones(client):
    patient = PatientFactory()
    client.force_login(patient.user)
    html = client.get(f"/patients/{patient.pk}/profile/").content.decode()
    assert '<option value="UTC" selected>' in html and '<optgroup label="Asia">' in html
    assert 'value="W-SU"' not in html and 'value="localtime"' not in html
