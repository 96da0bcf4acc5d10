"""The R11 safety prompts, each at its boundary, and the R16 oral bisphosphonate instructions."""

import datetime as dt
import re

import pytest

from bonetrack.core.dates import add_months
from bonetrack.treatment import prompts
from bonetrack.treatment.prompts import CourseFacts

D = dt.date

# slug: (name, class, family, route, schedule, lifetime group)
CATALOGUE = {
    "alendronate": ("Alendronate", prompts.ANTI_RESORPTIVE, "bisphosphonate", "oral", "weekly", ""),
    "risedronate": ("Risedronate", prompts.ANTI_RESORPTIVE, "bisphosphonate", "oral", "weekly", ""),
    "ibandronate": ("Ibandronate", prompts.ANTI_RESORPTIVE, "bisphosphonate", "oral", "monthly", ""),
    "zoledronic-acid": ("Zoledronic acid", prompts.ANTI_RESORPTIVE, "bisphosphonate", "iv", "yearly", ""),
    "denosumab": ("Denosumab", prompts.ANTI_RESORPTIVE, "rankl_inhibitor", "sc", "every_6_months", ""),
    "raloxifene": ("Raloxifene", prompts.ANTI_RESORPTIVE, "serm", "oral", "daily", ""),
    "teriparatide": ("Teriparatide", prompts.ANABOLIC, "pth_analogue", "sc", "daily", "pth"),
    "abaloparatide": ("Abaloparatide", prompts.ANABOLIC, "pthrp_analogue", "sc", "daily", "pth"),
    "romosozumab": ("Romosozumab", prompts.ANABOLIC, "sclerostin_inhibitor", "sc", "monthly", ""),
}


def course(slug, start, end=None, doses=(), **overrides):
    name, drug_class, family, route, schedule, group = CATALOGUE[slug]
    facts = {
        "drug_slug": slug,
        "drug_name": name,
        "drug_class": drug_class,
        "family": family,
        "route": route,
        "schedule": schedule,
        "started_on": start,
        "ended_on": end,
        "dose_dates": tuple(doses),
        "lifetime_group": group,
    }
    return CourseFacts(**(facts | overrides))


def monthly(start, count, months=1):
    return [add_months(start, n * months) for n in range(count)]


def found(courses, today):
    return [(p.code, p.level, p.course_drug) for p in prompts.course_prompts(courses, today=today)]


def only(courses, today):
    (prompt,) = prompts.course_prompts(courses, today=today)
    return prompt


# 1. Romosozumab: dose 12 → plan the follow-on anti-resorptive.

ROMO_START = D(2021, 3, 15)
DOSE_12 = D(2022, 2, 15)


def test_romosozumab_dose_11_has_no_prompt():
    assert found([course("romosozumab", ROMO_START, doses=monthly(ROMO_START, 11))], D(2022, 2, 14)) == []


def test_romosozumab_dose_12_prompts_the_follow_on():
    romosozumab = course("romosozumab", ROMO_START, doses=monthly(ROMO_START, 12))
    assert monthly(ROMO_START, 12)[-1] == DOSE_12
    assert found([romosozumab], DOSE_12) == [(prompts.ROMOSOZUMAB_COMPLETE, prompts.INFO, "romosozumab")]
    prompt = only([romosozumab], DOSE_12)
    assert "plan the follow-on anti-resorptive" in prompt.clinician_text
    assert "all 12 doses" in prompt.patient_text


def test_romosozumab_follow_on_window_is_3_months_from_dose_12():
    romosozumab = course("romosozumab", ROMO_START, doses=monthly(ROMO_START, 12))
    assert found([romosozumab], D(2022, 5, 15)) == [(prompts.ROMOSOZUMAB_COMPLETE, prompts.INFO, "romosozumab")]
    assert found([romosozumab], D(2022, 5, 16)) == [(prompts.ANABOLIC_NO_FOLLOW_ON, prompts.WARNING, "romosozumab")]


@pytest.mark.parametrize("follow_on_start", [DOSE_12, D(2022, 5, 15)])
def test_romosozumab_followed_by_denosumab_within_3_months_has_no_prompt(follow_on_start):
    courses = [
        course("romosozumab", ROMO_START, end=D(2022, 3, 1), doses=monthly(ROMO_START, 12)),
        course("denosumab", follow_on_start, doses=[follow_on_start]),
    ]
    assert found(courses, D(2022, 6, 1)) == []


# 2. Any anabolic course ending: the anti-resorptive that follows, within 3 months.

TERI_END = D(2021, 6, 30)


def teriparatide_ended():
    return course("teriparatide", D(2020, 1, 10), end=TERI_END)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2021, 6, 29), []),  # still being taken
        (TERI_END, [(prompts.ANABOLIC_FOLLOW_ON, prompts.INFO, "teriparatide")]),
        (D(2021, 9, 30), [(prompts.ANABOLIC_FOLLOW_ON, prompts.INFO, "teriparatide")]),  # 3 months after the end
        (D(2021, 10, 1), [(prompts.ANABOLIC_NO_FOLLOW_ON, prompts.WARNING, "teriparatide")]),
    ],
)
def test_anabolic_course_ended_without_a_follow_on(today, expected):
    assert found([teriparatide_ended()], today) == expected


def test_the_follow_on_warning_names_the_deadline():
    prompt = only([teriparatide_ended()], D(2021, 10, 1))
    assert "no anti-resorptive started within 3 months (by 2021-09-30)" in prompt.clinician_text
    assert "30 September 2021" in prompt.patient_text


@pytest.mark.parametrize(
    "follow_on",
    [
        course("alendronate", D(2021, 9, 30)),  # last day of the 3 months
        course("alendronate", TERI_END),
        course("raloxifene", D(2019, 5, 1)),  # already running when the anabolic course ended
        course("zoledronic-acid", D(2021, 8, 2), end=D(2021, 8, 2), doses=[D(2021, 8, 2)]),  # a single infusion
    ],
)
def test_an_anti_resorptive_within_3_months_closes_the_follow_on_prompt(follow_on):
    assert found([teriparatide_ended(), follow_on], D(2021, 12, 1)) == []


def test_a_follow_on_started_late_still_closes_the_prompt():
    """A prompt asks for an action: once the anti-resorptive has started, there is nothing left to ask for."""
    late = course("denosumab", D(2021, 11, 1), doses=[D(2021, 11, 1)])
    assert found([teriparatide_ended(), late], D(2021, 10, 31)) == [
        (prompts.ANABOLIC_NO_FOLLOW_ON, prompts.WARNING, "teriparatide")
    ]
    assert found([teriparatide_ended(), late], D(2021, 11, 1)) == []


def test_an_anti_resorptive_that_ended_before_the_anabolic_course_is_no_follow_on():
    earlier = course("alendronate", D(2015, 1, 5), end=D(2019, 12, 30))
    assert found([earlier, teriparatide_ended()], D(2021, 10, 1)) == [
        (prompts.ANABOLIC_NO_FOLLOW_ON, prompts.WARNING, "teriparatide")
    ]


def test_another_anabolic_course_hands_the_follow_on_question_to_its_own_end():
    romosozumab = course("romosozumab", D(2021, 8, 1), doses=monthly(D(2021, 8, 1), 5))
    assert found([teriparatide_ended(), romosozumab], D(2021, 12, 1)) == []


def test_romosozumab_stopped_early_prompts_like_any_anabolic_course():
    stopped = course("romosozumab", ROMO_START, end=D(2021, 9, 1), doses=monthly(ROMO_START, 6))
    assert found([stopped], D(2021, 9, 1)) == [(prompts.ANABOLIC_FOLLOW_ON, prompts.INFO, "romosozumab")]


def test_an_end_date_still_to_come_is_not_an_ending():
    planned = course("teriparatide", D(2020, 1, 10), end=D(2021, 6, 30))
    assert found([planned], D(2021, 6, 29)) == []


# 3. Teriparatide + abaloparatide: 24 months of combined lifetime use.

TERI_START = D(2021, 3, 1)  # 24 months later, 1 March 2023, is 730 days later


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2023, 2, 28), []),
        (
            D(2023, 3, 1),
            [
                (prompts.ANABOLIC_FOLLOW_ON, prompts.INFO, "teriparatide"),
                (prompts.PTH_LIFETIME_REACHED, prompts.INFO, "teriparatide"),
            ],
        ),
        (
            D(2023, 3, 2),
            [
                (prompts.PTH_LIFETIME_EXCEEDED, prompts.WARNING, "teriparatide"),
                (prompts.ANABOLIC_FOLLOW_ON, prompts.INFO, "teriparatide"),
            ],
        ),
        (
            D(2023, 6, 2),  # 3 months after the lifetime was reached, still no anti-resorptive
            [
                (prompts.ANABOLIC_NO_FOLLOW_ON, prompts.WARNING, "teriparatide"),
                (prompts.PTH_LIFETIME_EXCEEDED, prompts.WARNING, "teriparatide"),
            ],
        ),
    ],
)
def test_pth_lifetime_of_one_course(today, expected):
    assert found([course("teriparatide", TERI_START)], today) == expected


def test_pth_lifetime_texts_say_reached_then_exceeded():
    ongoing = [course("teriparatide", TERI_START)]
    reached = next(p for p in prompts.course_prompts(ongoing, today=D(2023, 3, 1)) if p.code == prompts.PTH_LIFETIME_REACHED)
    assert "reached 24 months" in reached.clinician_text
    exceeded = next(p for p in prompts.course_prompts(ongoing, today=D(2023, 3, 2)) if p.code == prompts.PTH_LIFETIME_EXCEEDED)
    assert "731 days, beyond 24 months" in exceeded.clinician_text
    assert "more than 2 years" in exceeded.patient_text


def pth_history():
    # 365 days of teriparatide, two years of alendronate, then abaloparatide: 730 combined days on 1 January 2023.
    return [
        course("teriparatide", D(2019, 1, 1), end=D(2020, 1, 1)),
        course("alendronate", D(2020, 1, 2), end=D(2021, 12, 31)),
        course("abaloparatide", D(2022, 1, 1)),
    ]


def test_pth_lifetime_sums_teriparatide_and_abaloparatide():
    assert prompts.pth_lifetime(pth_history(), today=D(2022, 12, 31)) == (729, None)
    assert prompts.pth_lifetime(pth_history(), today=D(2023, 1, 1)) == (730, D(2023, 1, 1))
    assert prompts.pth_lifetime(pth_history(), today=D(2023, 1, 2)) == (731, D(2023, 1, 1))
    codes = [code for code, _level, _drug in found(pth_history(), D(2023, 1, 2))]
    assert prompts.PTH_LIFETIME_EXCEEDED in codes
    assert [code for code, _level, _drug in found(pth_history(), D(2022, 12, 31))] == []


def test_pth_lifetime_counts_overlapping_courses_once():
    overlapping = [course("teriparatide", D(2021, 1, 1), end=D(2021, 7, 1)), course("abaloparatide", D(2021, 4, 1))]
    assert prompts.pth_lifetime(overlapping, today=D(2022, 1, 1)) == (365, None)


def test_pth_lifetime_prompt_only_while_one_is_taken():
    """Past use beyond 24 months matters again when one of them is restarted, not while the patient is off them."""
    history = [
        course("teriparatide", D(2018, 1, 1), end=D(2020, 6, 1)),
        course("denosumab", D(2020, 6, 1), doses=[D(2020, 6, 1), D(2020, 12, 1), D(2021, 6, 1), D(2021, 12, 1)]),
    ]
    assert found(history, D(2022, 1, 1)) == []
    restarted = [*history, course("abaloparatide", D(2022, 1, 1))]
    assert (prompts.PTH_LIFETIME_EXCEEDED, prompts.WARNING, "abaloparatide") in found(restarted, D(2022, 1, 1))


# 4. Denosumab: due 6 months after the last dose, high priority from 1 calendar month late.


@pytest.mark.parametrize(
    ("last_dose", "today", "late"),
    [
        # Due 10 September: September has 30 days, so 1 month late is 30 days late.
        (D(2024, 3, 10), D(2024, 10, 9), False),  # 29 days late
        (D(2024, 3, 10), D(2024, 10, 10), True),  # 30 days late
        # Due 15 July: July has 31 days, so 30 days late is not yet a month.
        (D(2024, 1, 15), D(2024, 8, 14), False),  # 30 days late
        (D(2024, 1, 15), D(2024, 8, 15), True),  # 31 days late
        # Due 29 February 2024 (6 months after 31 August, clamped): a month late on 29 March, 29 days.
        (D(2023, 8, 31), D(2024, 3, 28), False),
        (D(2023, 8, 31), D(2024, 3, 29), True),
    ],
)
def test_denosumab_late_by_a_calendar_month_is_high_priority(last_dose, today, late):
    denosumab = course("denosumab", D(2023, 3, 10), doses=[D(2023, 3, 10), last_dose])
    expected = [(prompts.DENOSUMAB_LATE, prompts.HIGH, "denosumab")] if late else []
    assert found([denosumab], today) == expected


@pytest.mark.parametrize(
    ("last_dose", "today", "days"), [(D(2024, 3, 10), D(2024, 10, 10), 30), (D(2024, 1, 15), D(2024, 8, 15), 31)]
)
def test_denosumab_late_texts(last_dose, today, days):
    prompt = only([course("denosumab", D(2023, 3, 10), doses=[last_dose])], today)
    assert f"{days} days late" in prompt.clinician_text
    assert "book it" in prompt.patient_text


def test_a_denosumab_dose_given_resets_the_clock():
    denosumab = course("denosumab", D(2024, 1, 15), doses=[D(2024, 1, 15), D(2024, 7, 20)])
    assert found([denosumab], D(2024, 8, 20)) == []


def test_a_denosumab_course_with_no_dose_recorded_is_due_on_its_start():
    assert found([course("denosumab", D(2024, 1, 15))], D(2024, 2, 14)) == []
    assert found([course("denosumab", D(2024, 1, 15))], D(2024, 2, 15)) == [(prompts.DENOSUMAB_LATE, prompts.HIGH, "denosumab")]


# 5. Denosumab stopped: another anti-resorptive within 6 months of the last dose.

DENO_LAST = D(2023, 7, 10)
DENO_START_BY = D(2024, 1, 10)


def denosumab_stopped():
    return course("denosumab", D(2023, 1, 10), end=D(2023, 9, 1), doses=[D(2023, 1, 10), DENO_LAST])


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2023, 9, 1), [(prompts.DENOSUMAB_STOPPED, prompts.INFO, "denosumab")]),
        (DENO_START_BY, [(prompts.DENOSUMAB_STOPPED, prompts.INFO, "denosumab")]),
        (D(2024, 1, 11), [(prompts.DENOSUMAB_NO_FOLLOW_ON, prompts.WARNING, "denosumab")]),
    ],
)
def test_denosumab_stopped_without_a_follow_on(today, expected):
    assert found([denosumab_stopped()], today) == expected


def test_denosumab_stopped_warning_names_rebound_vertebral_fractures():
    prompt = only([denosumab_stopped()], D(2024, 1, 11))
    assert "rebound vertebral fractures" in prompt.clinician_text
    assert "within 6 months of the last dose (by 2024-01-10)" in prompt.clinician_text


def test_a_stopped_denosumab_course_is_never_late():
    assert prompts.DENOSUMAB_LATE not in [code for code, _level, _drug in found([denosumab_stopped()], D(2024, 6, 1))]


@pytest.mark.parametrize(
    "follow_on",
    [
        course("zoledronic-acid", DENO_START_BY, end=DENO_START_BY, doses=[DENO_START_BY]),  # 6 months to the day
        course("alendronate", D(2023, 9, 2)),
        course("denosumab", D(2023, 12, 1), doses=[D(2023, 12, 1)]),  # restarted
    ],
)
def test_an_anti_resorptive_within_6_months_of_the_last_denosumab_dose_closes_the_prompt(follow_on):
    assert found([denosumab_stopped(), follow_on], D(2024, 2, 1)) == []


def test_an_anabolic_course_is_not_a_follow_on_for_denosumab():
    romosozumab = course("romosozumab", D(2023, 10, 1), doses=monthly(D(2023, 10, 1), 4))
    assert found([denosumab_stopped(), romosozumab], D(2024, 1, 11)) == [
        (prompts.DENOSUMAB_NO_FOLLOW_ON, prompts.WARNING, "denosumab")
    ]


# 6. Bisphosphonates: review after 5 years oral, 3 years IV.


@pytest.mark.parametrize(
    ("bisphosphonate", "today", "review"),
    [
        (course("alendronate", D(2018, 3, 1)), D(2023, 2, 28), False),  # 5 years minus a day
        (course("alendronate", D(2018, 3, 1)), D(2023, 3, 1), True),
        (course("alendronate", D(2016, 2, 29)), D(2021, 2, 27), False),
        (course("alendronate", D(2016, 2, 29)), D(2021, 2, 28), True),
        (course("zoledronic-acid", D(2020, 6, 15)), D(2023, 6, 14), False),  # 3 years IV minus a day
        (course("zoledronic-acid", D(2020, 6, 15)), D(2023, 6, 15), True),
        (course("ibandronate", D(2020, 6, 15), route="iv", schedule="every_3_months"), D(2023, 6, 15), True),
        (course("ibandronate", D(2020, 6, 15)), D(2023, 6, 15), False),  # oral ibandronate: 5 years
        (course("alendronate", D(2015, 3, 1), end=D(2021, 1, 1)), D(2021, 1, 1), True),  # last day of the course
        (course("alendronate", D(2015, 3, 1), end=D(2021, 1, 1)), D(2021, 1, 2), False),  # stopped: nothing to review
    ],
)
def test_bisphosphonate_review(bisphosphonate, today, review):
    expected = [(prompts.BISPHOSPHONATE_REVIEW, prompts.INFO, bisphosphonate.drug_slug)] if review else []
    assert found([bisphosphonate], today) == expected


@pytest.mark.parametrize(
    ("bisphosphonate", "today", "clinician_words"),
    [
        (course("alendronate", D(2018, 3, 1)), D(2023, 3, 1), "5 years of oral bisphosphonate treatment since 2018-03-01"),
        (course("zoledronic-acid", D(2020, 6, 15)), D(2023, 6, 15), "3 years of IV bisphosphonate treatment since 2020-06-15"),
    ],
)
def test_bisphosphonate_review_texts(bisphosphonate, today, clinician_words):
    prompt = only([bisphosphonate], today)
    assert "review your treatment with your clinician" in prompt.patient_text
    assert clinician_words in prompt.clinician_text


@pytest.mark.parametrize(
    ("switched_on", "review_on"),
    [
        (D(2019, 1, 14), D(2021, 1, 4)),  # the next weekly dose after alendronate's end: one run from 2016
        (D(2019, 1, 15), D(2024, 1, 15)),  # a day later is a break: counted from risedronate's own start
    ],
)
def test_consecutive_oral_bisphosphonate_courses_are_counted_together(switched_on, review_on):
    courses = [course("alendronate", D(2016, 1, 4), end=D(2019, 1, 7)), course("risedronate", switched_on)]
    assert found(courses, review_on - dt.timedelta(days=1)) == []
    assert found(courses, review_on) == [(prompts.BISPHOSPHONATE_REVIEW, prompts.INFO, "risedronate")]


def test_oral_and_iv_bisphosphonate_courses_are_not_summed():
    courses = [course("alendronate", D(2016, 1, 4), end=D(2019, 1, 7)), course("zoledronic-acid", D(2019, 1, 10))]
    assert found(courses, D(2022, 1, 9)) == []
    assert found(courses, D(2022, 1, 10)) == [(prompts.BISPHOSPHONATE_REVIEW, prompts.INFO, "zoledronic-acid")]


# Every prompt together: order, texts, and which course each is about.


def test_prompts_are_ordered_high_then_warning_then_info_and_point_at_their_course():
    courses = [
        course("alendronate", D(2018, 3, 1)),
        course("denosumab", D(2022, 1, 10), doses=[D(2022, 1, 10), D(2022, 7, 10)]),
        course("teriparatide", D(2021, 3, 1)),
    ]
    result = prompts.course_prompts(courses, today=D(2023, 3, 2))
    assert [(p.level, p.code, p.course_index) for p in result] == [
        (prompts.HIGH, prompts.DENOSUMAB_LATE, 1),
        (prompts.WARNING, prompts.PTH_LIFETIME_EXCEEDED, 2),
        (prompts.INFO, prompts.BISPHOSPHONATE_REVIEW, 0),
    ]


def all_kinds_of_prompts():
    scenarios = [
        ([course("romosozumab", ROMO_START, doses=monthly(ROMO_START, 12))], DOSE_12),
        ([teriparatide_ended()], TERI_END),
        ([teriparatide_ended()], D(2021, 10, 1)),
        ([course("teriparatide", TERI_START)], D(2023, 3, 1)),
        ([course("teriparatide", TERI_START)], D(2023, 3, 2)),
        ([course("denosumab", D(2023, 3, 10), doses=[D(2024, 3, 10)])], D(2024, 10, 10)),
        ([course("denosumab", D(2023, 3, 10))], D(2024, 10, 10)),  # no dose recorded
        ([denosumab_stopped()], D(2023, 9, 1)),
        ([denosumab_stopped()], D(2024, 1, 11)),
        ([course("alendronate", D(2018, 3, 1))], D(2023, 3, 1)),
        ([course("zoledronic-acid", D(2020, 6, 15))], D(2023, 6, 15)),
    ]
    return [prompt for courses, today in scenarios for prompt in prompts.course_prompts(courses, today=today)]


def test_the_text_checks_cover_every_prompt_code():
    assert sorted({prompt.code for prompt in all_kinds_of_prompts()}) == sorted(prompts.PROMPT_CODES)


def test_patient_texts_are_plain_words_and_clinician_texts_cite_the_rule():
    for prompt in all_kinds_of_prompts():
        assert not re.search(r"\bR\d+\b|\b[A-Z]{2,}\b|anti-resorptive|anabolic|bisphosphonate", prompt.patient_text), prompt
        assert "R11" in prompt.clinician_text, prompt
        assert prompt.course_index == 0


# R16: oral bisphosphonate instructions.


@pytest.mark.parametrize(("slug", "minutes"), [("alendronate", 30), ("risedronate", 30), ("ibandronate", 60)])
def test_oral_bisphosphonate_instructions(slug, minutes):
    text = prompts.oral_bisphosphonate_instructions(slug)
    assert f"upright (sitting or standing) for at least {minutes} minutes" in text
    for words in ("empty stomach", "full glass of plain water", "food, drink or other medicines", "calcium supplements included"):
        assert words in text


@pytest.mark.parametrize(
    ("slug", "route"), [("ibandronate", "iv"), ("zoledronic-acid", "iv"), ("denosumab", "sc"), ("raloxifene", "oral")]
)
def test_no_oral_bisphosphonate_instructions_for_other_drugs_or_routes(slug, route):
    assert prompts.oral_bisphosphonate_instructions(slug, route=route) is None
