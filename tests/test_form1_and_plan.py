import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from audit.models import Action, AuditEvent
from priorities.models import PlanAction, Priority, PriorityProfile, RagReview
from priorities.plan.selectors import plan_quality
from tenancy.academic_year import current_academic_year
from tenancy.models import NationalBody

from .factories import MembershipFactory, NationalBodyFactory, PlanActionFactory, PriorityFactory, UserFactory


@pytest.fixture
def bodies(world):
    with scopes_disabled():
        ssat = NationalBody.objects.get(kind="ssat")
        college = NationalBodyFactory(kind=NationalBody.Kind.NATIONAL_COLLEGE)
        college_staff = UserFactory(email="college@example.org")
        MembershipFactory(user=college_staff, role=Role.NATIONAL_COLLEGE, la=None, national_body=college)
    return {"ssat": ssat, "college": college, "college_staff": college_staff}


def p(name, world, *args, la=None):
    w = la or world.a
    return reverse(f"schools:priorities:{name}", args=[w.la.code, w.school.urn, *args])


def start(client, world, la=None):
    w = la or world.a
    response = client.post(p("profile-home", world, la=w))
    assert response.status_code == 302
    with scope(la=w.la.pk):
        return PriorityProfile.objects.get(school=w.school, academic_year=current_academic_year())


def priorities_post(profile, count, **extra):
    data = {
        "lock_version": profile.lock_version,
        "priorities-TOTAL_FORMS": "5",
        "priorities-INITIAL_FORMS": "0",
        "priorities-MIN_NUM_FORMS": "5",
        "priorities-MAX_NUM_FORMS": "5",
    }
    for i in range(5):
        filled = i < count
        data |= {
            f"priorities-{i}-priority": f"Priority {i + 1}" if filled else "",
            f"priorities-{i}-key_focus_areas": f"Focus {i + 1}" if filled else "",
            f"priorities-{i}-starts_on": "2026-09" if filled else "",
            f"priorities-{i}-ends_on": "2027-07" if filled else "",
        }
    return data | extra


def fill(client, world, profile, la=None):
    """The headteacher completes every section."""
    client.post(
        p("profile-section", world, profile.pk, "contacts", la=la),
        {
            "lock_version": profile.lock_version,
            "key_contact_name": "Ms Ada Lovelace",
            "key_contact_phone": "01603 111111",
            "key_contact_email": "head@example.org",
            "sip_name": "Sam SIP",
            "sip_phone": "07700 900000",
            "sip_email": (la or world.a).sip.email,
        },
    )
    profile.refresh_from_db()
    client.post(p("profile-section", world, profile.pk, "priorities", la=la), priorities_post(profile, 4))
    profile.refresh_from_db()
    client.post(
        p("profile-section", world, profile.pk, "partnerships", la=la),
        {
            "lock_version": profile.lock_version,
            "proposed_partner_school": "",
            "partner_criteria": "Strong maths",
            "other_comments": "",
        },
    )
    profile.refresh_from_db()
    client.post(
        p("profile-section", world, profile.pk, "most-important", la=la),
        {"lock_version": profile.lock_version, "positions": ["1", "2", "4"]},
    )
    profile.refresh_from_db()
    return profile


def transition(client, world, profile, name, la=None, **extra):
    profile.refresh_from_db()
    return client.post(
        p("profile-check", world, profile.pk, la=la),
        {"transition": name, "lock_version": profile.lock_version, **extra},
    )


@pytest.mark.one_year  # a school's first Form 1 starts from its plan, not last year's
def test_a_new_profile_is_filled_with_what_the_portal_knows(client, world):
    with scopes_disabled():
        world.a.head.phone = "01603 111111"
        world.a.head.save()
        PriorityFactory(school=world.a.school, title="Maths for FSM boys")
    client.force_login(world.a.head)
    profile = start(client, world)
    assert (profile.key_contact_name, profile.key_contact_email, profile.key_contact_phone) == (
        world.a.head.full_name,
        world.a.head.email,
        "01603 111111",
    )
    assert profile.sip_email == world.a.sip.email
    with scope(la=world.a.la.pk):
        assert [r.priority for r in profile.priorities.all()] == ["Maths for FSM boys"]
    page = client.get(p("profile", world, profile.pk)).content.decode()
    assert "govuk-task-list" in page and "Priorities and key focus areas" in page


@pytest.mark.parametrize("count", [2, 0])
def test_fewer_than_three_priorities_is_a_clear_error(client, world, count):
    client.force_login(world.a.head)
    profile = start(client, world)
    response = client.post(p("profile-section", world, profile.pk, "priorities"), priorities_post(profile, count))
    assert response.status_code == 200
    assert f"Give at least 3 and at most 5 priorities; you gave {count}." in response.content.decode()


@pytest.mark.one_year  # a school's first Form 1 starts from its plan, not last year's
def test_more_than_five_priorities_is_a_clear_error_not_a_crash(client, world):
    client.force_login(world.a.head)
    profile = start(client, world)
    data = priorities_post(profile, 5) | {"priorities-TOTAL_FORMS": "6"}
    data |= {
        "priorities-5-priority": "Six",
        "priorities-5-key_focus_areas": "x",
        "priorities-5-starts_on": "2026-09",
        "priorities-5-ends_on": "2027-01",
    }
    response = client.post(p("profile-section", world, profile.pk, "priorities"), data)
    assert response.status_code == 200
    assert "Give at least 3 and at most 5 priorities; you gave 6." in response.content.decode()
    with scope(la=world.a.la.pk):
        assert profile.priorities.count() == 0


def test_an_end_before_its_start_and_a_half_filled_priority_keep_what_was_typed(client, world):
    client.force_login(world.a.head)
    profile = start(client, world)
    data = priorities_post(profile, 3) | {"priorities-1-ends_on": "2026-01", "priorities-2-key_focus_areas": ""}
    page = client.post(p("profile-section", world, profile.pk, "priorities"), data).content.decode()
    assert "The end must not be before the start." in page
    assert "Enter the key focus areas, or clear this priority." in page
    assert 'value="Priority 3"' in page


def test_the_whole_workflow_ends_in_the_ssat_queue_for_norfolk(
    client, world, bodies, django_capture_on_commit_callbacks
):
    client.force_login(world.a.head)
    profile = fill(client, world, start(client, world))
    with django_capture_on_commit_callbacks(execute=True):
        assert transition(client, world, profile, "send").status_code == 302
    assert mail.outbox[-1].to == [world.a.sip.email]

    client.force_login(world.a.sip)
    with django_capture_on_commit_callbacks(execute=True):
        transition(client, world, profile, "return", comment="Make priority 2 about pupil progress.")
    assert mail.outbox[-1].to == [world.a.head.email]

    client.force_login(world.a.head)
    page = client.get(p("profile-check", world, profile.pk)).content.decode()
    assert "Make priority 2 about pupil progress." in page
    transition(client, world, profile, "send")
    client.force_login(world.a.sip)
    transition(client, world, profile, "agree")
    with django_capture_on_commit_callbacks(execute=True):
        transition(client, world, profile, "submit")
    profile.refresh_from_db()
    assert profile.state == "submitted" and profile.matching_body.kind == "ssat"
    assert mail.outbox[-1].to == [world.ssat.email]
    with scope(la=world.a.la.pk):
        actions = set(AuditEvent.objects.values_list("action", flat=True))
        # The agreed priorities seed the improvement plan.
        assert set(Priority.objects.filter(school=world.a.school).values_list("title", flat=True)) >= {
            "Priority 1",
            "Priority 4",
        }
    assert {Action.PROFILE_SENT, Action.PROFILE_RETURNED, Action.PROFILE_AGREED, Action.PROFILE_SUBMITTED} <= actions

    client.force_login(world.ssat)
    queue = client.get(reverse("national:profiles", args=["ssat"])).content.decode()
    assert world.a.school.name in queue
    detail = client.get(reverse("national:profile", args=["ssat", profile.pk])).content.decode()
    assert "School Priority Profile (Form 1)" in detail and "Strong maths" in detail
    client.force_login(bodies["college_staff"])
    assert (
        world.a.school.name not in client.get(reverse("national:profiles", args=["national-college"])).content.decode()
    )
    assert client.get(reverse("national:profile", args=["national-college", profile.pk])).status_code == 404


def test_a_london_challenge_school_goes_to_the_national_college(client, world, bodies):
    client.force_login(world.b.head)
    profile = fill(client, world, start(client, world, la=world.b), la=world.b)
    transition(client, world, profile, "send", la=world.b)
    client.force_login(world.b.sip)
    transition(client, world, profile, "agree", la=world.b)
    transition(client, world, profile, "submit", la=world.b)
    profile.refresh_from_db()
    assert profile.matching_body.kind == "national-college"
    client.force_login(bodies["college_staff"])
    assert world.b.school.name in client.get(reverse("national:profiles", args=["national-college"])).content.decode()
    client.force_login(world.ssat)
    assert client.get(reverse("national:profile", args=["ssat", profile.pk])).status_code == 404


@pytest.mark.one_year  # a school's first Form 1 starts from its plan, not last year's
def test_the_rules_of_the_workflow(client, world, bodies):
    client.force_login(world.a.head)
    profile = start(client, world)
    page = transition(client, world, profile, "send").content.decode()
    assert "Give at least 3 and at most 5 priorities; there are 0." in page  # incomplete: refused with the reason
    profile = fill(client, world, profile)
    assert transition(client, world, profile, "agree").status_code == 403  # the head cannot agree
    transition(client, world, profile, "send")
    client.force_login(world.a.sip)
    page = transition(client, world, profile, "return").content.decode()
    assert "Say what needs changing, for the headteacher." in page
    assert transition(client, world, profile, "submit").status_code == 403  # not agreed yet
    transition(client, world, profile, "agree")
    transition(client, world, profile, "submit")
    profile.refresh_from_db()
    # Read-only after submission, except through a new version.
    page = client.get(p("profile-section", world, profile.pk, "contacts"))
    assert page.status_code == 200 and "was submitted to SSAT, so it no longer changes" in page.content.decode()
    assert client.post(p("profile-section", world, profile.pk, "contacts"), {"lock_version": 1}).status_code == 403
    response = client.post(p("profile-check", world, profile.pk), {"transition": "new-version"})
    with scope(la=world.a.la.pk):
        latest = PriorityProfile.objects.filter(school=world.a.school).order_by("-version_number").first()
        assert latest.version_number == 2 and latest.state == "draft" and latest.priorities.count() == 4
    assert response["Location"] == p("profile", world, latest.pk)
    profile.refresh_from_db()
    assert profile.state == "submitted"


def test_head_and_sip_editing_at_once_never_silently_overwrite(client, world):
    client.force_login(world.a.head)
    profile = start(client, world)
    opened = profile.lock_version
    client.post(
        p("profile-section", world, profile.pk, "contacts"),
        {
            "lock_version": opened,
            "key_contact_name": "Head's edit",
            "key_contact_phone": "1",
            "key_contact_email": "h@example.org",
            "sip_name": "S",
            "sip_phone": "2",
            "sip_email": "s@example.org",
        },
    )
    client.force_login(world.a.sip)
    page = client.post(
        p("profile-section", world, profile.pk, "contacts"),
        {
            "lock_version": opened,
            "key_contact_name": "SIP's edit",
            "key_contact_phone": "1",
            "key_contact_email": "h@example.org",
            "sip_name": "S",
            "sip_phone": "2",
            "sip_email": "s@example.org",
        },
    ).content.decode()
    assert "Someone else changed this profile since you opened it." in page and "SIP&#x27;s edit" in page
    profile.refresh_from_db()
    assert profile.key_contact_name == "Head's edit"


@pytest.mark.parametrize("role", ["governor"])
def test_governors_and_other_schools_see_no_form_1(client, world, role):
    client.force_login(world.a.head)
    profile = start(client, world)
    client.force_login(world.a.people[role])
    assert client.get(p("profile", world, profile.pk)).status_code == 404
    client.force_login(world.b.head)
    assert (
        client.get(reverse("schools:priorities:profile", args=["926", world.a.school.urn, profile.pk])).status_code
        == 404
    )


def test_the_print_view_is_laid_out_like_appendix_a(client, world):
    client.force_login(world.a.head)
    profile = fill(client, world, start(client, world))
    page = client.get(p("profile-print", world, profile.pk)).content.decode()
    for heading in (
        "School Priority Profile (Form 1)",
        "Contact details",
        "Identification of key focus areas",
        "Partnerships",
        "Proposed partner school name (if appropriate)",
        "Requested criteria for partner school",
        "Any other comments",
    ):
        assert heading in page


# --- the improvement plan ----------------------------------------------------------------------


def test_the_plan_quality_check_lists_what_is_missing_without_blocking(client, world):
    with scopes_disabled():
        bare = PriorityFactory(school=world.a.school, title="Attendance")
        good = PriorityFactory(school=world.a.school, title="Maths")
        PlanActionFactory(priority=good, success_criteria="FSM boys +5 points", owner="Mr Tom Hartley")
    client.force_login(world.a.sip)
    url = p("plan-action-new", world, good.pk)
    response = client.post(
        url,
        {
            "description": "Weekly maths intervention",
            "owner": "Ms Grace Adeyemi",
            "success_criteria": "",
            "data_sources": "Tracking",
            "version": "0",
            "milestones-TOTAL_FORMS": "2",
            "milestones-INITIAL_FORMS": "0",
            "milestones-0-description": "Groups set",
            "milestones-0-due_on": "",
            "milestones-0-done_on": "",
            "milestones-1-description": "",
            "milestones-1-due_on": "",
            "milestones-1-done_on": "",
        },
    )
    assert response.status_code == 302  # saved even though a milestone has no date
    page = client.get(p("plan", world)).content.decode()
    assert "“Attendance” has no action." in page
    assert "The milestone “Groups set” has no date." in page
    with scope(la=world.a.la.pk):
        missing = plan_quality(list(Priority.objects.filter(pk__in=[bare.pk, good.pk])))
    assert "“Maths” has no success criterion tied to pupil progress." not in missing


def test_an_action_has_exactly_one_accountable_person(client, world):
    with scopes_disabled():
        priority = PriorityFactory(school=world.a.school)
    client.force_login(world.a.head)
    page = client.post(
        p("plan-action-new", world, priority.pk),
        {
            "description": "x",
            "owner": "Maths department",
            "version": "0",
            "milestones-TOTAL_FORMS": "0",
            "milestones-INITIAL_FORMS": "0",
        },
    ).content.decode()
    assert "Name one accountable person, not a list or a team." in page


def test_rag_reviews_keep_their_history_and_overdue_milestones_show(client, world):
    with scopes_disabled():
        action = PlanActionFactory(priority=PriorityFactory(school=world.a.school))
        action.milestones.create(description="Baseline test", due_on=datetime.date(2020, 1, 1))
    client.force_login(world.a.sip)
    client.post(p("plan-review", world, action.pk), {"rag": "amber", "reason": "Two groups started late."})
    client.post(p("plan-review", world, action.pk), {"rag": "green", "reason": "All groups running."})
    with scope(la=world.a.la.pk):
        assert list(RagReview.objects.filter(action=action).values_list("rag", flat=True)) == ["green", "amber"]
        assert PlanAction.objects.get(pk=action.pk).rag == "green"
    page = client.get(p("plan", world)).content.decode()
    assert "Two groups started late." in page and "Overdue" in page
    assert client.post(p("plan-review", world, action.pk), {"rag": "green", "reason": ""}).status_code == 200


def test_governors_read_the_plan_and_cannot_change_it(client, world):
    with scopes_disabled():
        action = PlanActionFactory(
            priority=PriorityFactory(school=world.a.school), description="Weekly maths intervention"
        )
    client.force_login(world.a.governor)
    assert "Weekly maths intervention" in client.get(p("plan", world)).content.decode()
    assert client.get(p("plan-action", world, action.pk)).status_code == 403


def test_two_people_editing_one_action_do_not_overwrite_each_other(client, world):
    with scopes_disabled():
        action = PlanActionFactory(priority=PriorityFactory(school=world.a.school), description="Original")
    url = p("plan-action", world, action.pk)
    form = {
        "owner": "Mr Tom Hartley",
        "success_criteria": "",
        "data_sources": "",
        "version": str(action.version),
        "milestones-TOTAL_FORMS": "0",
        "milestones-INITIAL_FORMS": "0",
    }
    client.force_login(world.a.head)
    assert client.post(url, form | {"description": "The head's wording"}).status_code == 302
    client.force_login(world.a.sip)
    page = client.post(url, form | {"description": "The SIP's wording"}).content.decode()
    assert "Someone else changed this action since you opened it." in page and "The SIP&#x27;s wording" in page
    action.refresh_from_db()
    assert action.description == "The head's wording"


def test_in_a_later_year_the_head_starts_a_new_profile_beside_last_years(client, world):
    client.force_login(world.a.head)
    page = client.get(p("profile-home", world)).content.decode()
    assert "Start this year's profile" in page and "Continue this year" not in page
    assert "2025/26" in page  # last year's submitted profile is listed
    profile = start(client, world)
    assert profile.academic_year == current_academic_year() and profile.state == "draft"
    assert "Continue this year's profile" in client.get(p("profile-home", world)).content.decode()
