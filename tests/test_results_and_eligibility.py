import csv
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from audit.models import Action, AuditEvent
from schools.eligibility import suggest
from schools.models import (
    DataImport,
    EligibilityAssessment,
    EligibilityCriterion,
    NationalAverage,
    PerformanceResult,
    PupilGroup,
)
from schools.results_csv import COLUMNS

from .factories import PerformanceResultFactory

D = Decimal
Rule = EligibilityCriterion.Rule


def national(year, group="all", five="50.0", english="70.0", maths="70.0"):
    return NationalAverage(
        academic_year=year, group=group, five_ac_em=D(five), progress_english=D(english), progress_maths=D(maths)
    )


def result(year, group="all", **values):
    return PerformanceResult(academic_year=year, group=group, **{k: D(str(v)) for k, v in values.items()})


# --- the four rules ------------------------------------------------------------------------


def test_threshold_above_30_with_progress_below_average_is_met():
    s = suggest(
        Rule.THRESHOLD_BUT_LOW_PROGRESS,
        [result(2024, five_ac_em=42, progress_english=61, progress_maths=72)],
        [national(2024)],
    )
    assert s.finding == "met"
    assert "expected progress in English 61% (national 70.0%)" in " ".join(s.numbers)


def test_threshold_at_30_or_progress_at_average_is_not_met():
    low = suggest(
        Rule.THRESHOLD_BUT_LOW_PROGRESS,
        [result(2024, five_ac_em=30, progress_english=60, progress_maths=60)],
        [national(2024)],
    )
    fine = suggest(
        Rule.THRESHOLD_BUT_LOW_PROGRESS,
        [result(2024, five_ac_em=55, progress_english=70, progress_maths=71)],
        [national(2024)],
    )
    assert low.finding == fine.finding == "not-met"


def test_the_latest_year_with_data_decides_and_missing_data_gives_no_suggestion():
    results = [
        result(2023, five_ac_em=40, progress_english=60, progress_maths=60),
        result(2024, five_ac_em=40, progress_english=75, progress_maths=75),
    ]
    assert suggest(Rule.THRESHOLD_BUT_LOW_PROGRESS, results, [national(2023), national(2024)]).finding == "not-met"
    assert suggest(Rule.THRESHOLD_BUT_LOW_PROGRESS, results, []).finding is None


def test_little_improvement_over_three_years_is_met_and_real_improvement_is_not():
    flat = [result(y, progress_english=60 + i, progress_maths=60) for i, y in enumerate((2022, 2023, 2024))]
    rising = [
        result(y, progress_english=60 + 3 * i, progress_maths=60 + 3 * i) for i, y in enumerate((2022, 2023, 2024))
    ]
    gap_year = [
        result(2021, progress_english=60, progress_maths=60),
        result(2023, progress_english=60, progress_maths=60),
        result(2024, progress_english=60, progress_maths=60),
    ]
    assert suggest(Rule.NO_IMPROVEMENT, flat, []).finding == "met"
    assert "change over three years: +1.0 points" in suggest(Rule.NO_IMPROVEMENT, flat, []).numbers
    assert suggest(Rule.NO_IMPROVEMENT, rising, []).finding == "not-met"
    assert suggest(Rule.NO_IMPROVEMENT, gap_year, []).finding is None


def test_cva_is_significantly_below_only_when_the_whole_interval_is_below_1000():
    below = suggest(Rule.CVA_BELOW, [result(2024, cva=985, cva_lower=979, cva_upper=991)], [])
    straddles = suggest(Rule.CVA_BELOW, [result(2024, cva=995, cva_lower=988, cva_upper=1002)], [])
    assert below.finding == "met" and straddles.finding == "not-met"
    assert below.numbers == ["2024/25: CVA 985 (confidence interval 979 to 991); national 1000"]


def test_an_fsm_gap_ten_points_wider_than_nationally_is_significant():
    nat = [national(2024, "fsm", five="30"), national(2024, "non-fsm", five="58")]  # national gap 28
    wide = [result(2024, "fsm", five_ac_em=15), result(2024, "non-fsm", five_ac_em=55)]  # gap 40
    narrow = [result(2024, "fsm", five_ac_em=25), result(2024, "non-fsm", five_ac_em=55)]  # gap 30
    assert suggest(Rule.FSM_GAP, wide, nat).finding == "met"
    assert suggest(Rule.FSM_GAP, narrow, nat).finding == "not-met"


def test_the_ten_criteria_are_worded_as_in_the_handbook(db):
    criteria = list(EligibilityCriterion.objects.values_list("number", "text", "rule"))
    assert [c[0] for c in criteria] == list(range(1, 11))
    assert criteria[8][1] == "The school's Contextual Value Added score is significantly below average."
    assert {c[2] for c in criteria if c[2]} == set(Rule.values)


# --- recording eligibility -----------------------------------------------------------------


@pytest.mark.one_year  # enters results into years the school has none for
def test_a_sip_records_a_finding_starting_from_the_suggestion(client, world):
    with scopes_disabled():
        PerformanceResultFactory(school=world.a.school, cva=D("985"), cva_lower=D("979"), cva_upper=D("991"))
    client.force_login(world.a.sip)
    url = reverse("schools:eligibility", args=["926", world.a.school.urn, 9])
    form_page = client.get(url + "?use=suggestion").content.decode()
    assert "The portal suggests: Met" in form_page
    assert "confidence interval 979.0 to 991.0" in form_page
    response = client.post(
        url, {"finding": "met", "evidence": "CVA 985, interval 979–991.", "version": 0, "followed_suggestion": "True"}
    )
    assert response.status_code == 302
    with scope(la=world.a.la.pk):
        assessment = EligibilityAssessment.objects.get(school=world.a.school, criterion__number=9)
        assert AuditEvent.objects.filter(action=Action.ELIGIBILITY_RECORDED, actor=world.a.sip).exists()
    assert assessment.finding == "met" and assessment.assessed_by == world.a.sip and assessment.followed_suggestion
    profile = client.get(reverse("schools:detail", args=["926", world.a.school.urn])).content.decode()
    assert "following the portal's suggestion" in profile


def test_met_without_evidence_is_refused_and_keeps_the_choice(client, world):
    client.force_login(world.a.la_admin)
    url = reverse("schools:eligibility", args=["926", world.a.school.urn, 4])
    page = client.post(url, {"finding": "met", "evidence": "  ", "version": 0}).content.decode()
    assert "Say what evidence shows the criterion is met." in page
    checked = re.findall(r'<input[^>]*type="radio"[^>]*>', page)
    assert [re.search(r'value="([^"]*)"', tag).group(1) for tag in checked if " checked" in tag] == ["met"]
    with scope(la=world.a.la.pk):
        assert not EligibilityAssessment.objects.exists()


def test_two_people_editing_the_same_criterion_do_not_overwrite_each_other(client, world):
    url = reverse("schools:eligibility", args=["926", world.a.school.urn, 5])
    client.force_login(world.a.sip)
    client.post(url, {"finding": "met", "evidence": "No tracking system in maths.", "version": 0})
    client.force_login(world.a.la_admin)
    # The LA admin opened the page before the SIP saved, so still holds version 0.
    page = client.post(url, {"finding": "not-met", "evidence": "Tracking looks fine.", "version": 0}).content.decode()
    assert "recorded this criterion while you were editing" in page
    assert "Tracking looks fine." in page
    with scope(la=world.a.la.pk):
        assessment = EligibilityAssessment.objects.get(criterion__number=5)
    assert assessment.finding == "met" and assessment.assessed_by == world.a.sip


@pytest.mark.parametrize("role", ["head", "governor"])
def test_the_schools_own_people_read_the_profile_but_cannot_record(client, world, role):
    client.force_login(world.a.people[role])
    profile = client.get(reverse("schools:detail", args=["926", world.a.school.urn]))
    assert profile.status_code == 200 and "Gaining Ground eligibility" in profile.content.decode()
    assert "Record a finding" not in profile.content.decode()
    assert client.get(reverse("schools:eligibility", args=["926", world.a.school.urn, 1])).status_code == 403
    assert client.get(reverse("schools:results", args=["926", world.a.school.urn, 2024])).status_code == 403


# --- results by hand -------------------------------------------------------------------------


def results_post(**overrides):
    data = {
        "all-version": 0,
        "fsm-version": 0,
        "all-five_ac_em": "44.5",
        "all-progress_english": "61",
        "all-cva": "990",
        "all-cva_lower": "984",
        "all-cva_upper": "996",
    }
    data.update(overrides)
    return data


@pytest.mark.one_year  # enters results into years the school has none for
def test_a_sip_enters_a_years_results_and_the_profile_shows_them_in_chart_and_table(client, world):
    with scopes_disabled():
        NationalAverage.objects.create(academic_year=2024, group="all", five_ac_em=D("52.1"))
        PerformanceResultFactory(school=world.a.school, academic_year=2023, five_ac_em=D("41.0"))
    client.force_login(world.a.sip)
    url = reverse("schools:results", args=["926", world.a.school.urn, 2024])
    response = client.post(url, results_post(**{"fsm-five_ac_em": "20.0"}))
    assert response.status_code == 302
    with scope(la=world.a.la.pk):
        saved = {r.group: r for r in PerformanceResult.objects.filter(school=world.a.school, academic_year=2024)}
    assert set(saved) == {PupilGroup.ALL, PupilGroup.FSM}
    assert saved["all"].five_ac_em == D("44.5") and saved["all"].updated_by == world.a.sip
    profile = client.get(reverse("schools:detail", args=["926", world.a.school.urn])).content.decode()
    assert "<svg" in profile and 'aria-hidden="true"' in profile
    assert '<th scope="col" class="govuk-table__header govuk-table__header--numeric">2024/25</th>' in profile
    assert ">44.5<" in profile and ">52.1<" in profile


@pytest.mark.one_year  # enters results into years the school has none for
def test_a_cva_outside_its_interval_is_an_error_and_the_figures_stay_typed(client, world):
    client.force_login(world.a.la_admin)
    url = reverse("schools:results", args=["926", world.a.school.urn, 2024])
    page = client.post(url, results_post(**{"all-cva": "1010"})).content.decode()
    assert "CVA must lie between its lower and upper limits." in page and 'value="44.5"' in page
    with scope(la=world.a.la.pk):
        assert not PerformanceResult.objects.exists()


@pytest.mark.one_year  # enters results into years the school has none for
def test_results_changed_by_someone_else_meanwhile_are_not_overwritten(client, world):
    url = reverse("schools:results", args=["926", world.a.school.urn, 2024])
    client.force_login(world.a.sip)
    client.post(url, results_post())
    client.force_login(world.a.la_admin)
    page = client.post(url, results_post(**{"all-five_ac_em": "47.0"})).content.decode()
    assert "Someone else changed these results while you were editing" in page and 'value="47.0"' in page
    with scope(la=world.a.la.pk):
        assert PerformanceResult.objects.get(group="all").five_ac_em == D("44.5")


# --- results by CSV ------------------------------------------------------------------------


def test_the_template_lists_only_the_las_schools_with_formulas_neutralised(client, world):
    with scopes_disabled():
        world.a.other_school.name = '=HYPERLINK("http://evil")'
        world.a.other_school.save()
    client.force_login(world.a.la_admin)
    response = client.get(reverse("schools:results-template", args=["926"]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == list(COLUMNS)
    assert {r[0] for r in rows[1:]} == {world.a.school.urn, world.a.other_school.urn}
    assert '\'=HYPERLINK("http://evil")' in [r[1] for r in rows]


def template_csv(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue().encode()


@pytest.mark.one_year  # enters results into years the school has none for
def test_results_import_all_or_nothing(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.a.la_admin)
    good = [world.a.school.urn, "", "2024/25", "all", "180", "44.5", "61", "58", "985", "979", "991", "38"]
    bad = [
        [world.a.school.urn, "", "2024/25", "fsm", "60", "120", "", "", "", "", "", ""],  # line 3
        [world.b.school.urn, "", "2024/25", "all", "", "40", "", "", "", "", "", ""],  # line 4: Barnet's school
        [world.a.school.urn, "", "2024/26", "boys", "", "", "", "", "", "", "", ""],  # line 5: bad year
        [world.a.school.urn, "", "2024/25", "girls", "", "", "", "", "1000", "", "", ""],  # line 6: CVA on a group
    ]

    def send(rows):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("schools:imports", args=["926"]),
                {"kind": "results", "file": SimpleUploadedFile("results.csv", template_csv(rows))},
            )
        with scope(la=world.a.la.pk):
            return DataImport.objects.latest("created_at")

    rejected = send([good, *bad])
    assert rejected.state == "rejected"
    assert [(e["line"], e["column"]) for e in rejected.errors] == [
        (3, "% 5+ A*-C incl English and maths"),
        (4, "URN"),
        (5, "Academic year"),
        (6, "CVA"),
    ]
    with scope(la=world.a.la.pk):
        assert not PerformanceResult.objects.exists()
    done = send([good])
    assert done.state == "done" and done.counts["created"] == 1
    with scope(la=world.a.la.pk):
        saved = PerformanceResult.objects.get()
    assert (saved.academic_year, saved.cva_upper, saved.percentage_fsm) == (2024, D("991.0"), D("38.0"))
