"""Form 1 and the plan: edit conflicts that show both versions, and the rules users hit."""

import datetime
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django_scopes import scope, scopes_disabled

from audit.models import Action, AuditEvent
from priorities.models import PlanAction, Priority, PriorityProfile, ProfileEvent
from priorities.profile.services import profile_start
from schools.models import School

from .factories import PlanActionFactory, PriorityFactory
from .test_form1_and_plan import fill, p, priorities_post, start, transition

CONTACTS = {
    "key_contact_name": "Ms Ada Lovelace",
    "key_contact_phone": "01603 111111",
    "key_contact_email": "head@example.org",
    "sip_name": "Sam SIP",
    "sip_phone": "07700 900000",
    "sip_email": "sip@example.org",
}


def hidden_value(page: str, name: str) -> str:
    marker = f'name="{name}" value="'
    return page.split(marker, 1)[1].split('"', 1)[0]


# --- edit conflicts: both versions shown, and the next save goes through -------------------------


def test_a_contacts_conflict_shows_both_versions_and_the_next_save_goes_through(client, world):
    client.force_login(world.a.head)
    profile = start(client, world)
    opened = profile.lock_version
    url = p("profile-section", world, profile.pk, "contacts")
    client.force_login(world.a.sip)
    assert (
        client.post(url, CONTACTS | {"lock_version": opened, "key_contact_name": "Saved by the SIP"}).status_code == 302
    )
    client.force_login(world.a.head)
    page = client.post(
        url, CONTACTS | {"lock_version": opened, "key_contact_name": "Typed by the head"}
    ).content.decode()
    assert "Someone else saved a change" in page
    assert "Saved by the SIP" in page and "Typed by the head" in page  # both, side by side
    with scope(la=world.a.la.pk):
        saved = PriorityProfile.objects.get(pk=profile.pk)
    assert saved.key_contact_name == "Saved by the SIP"
    assert hidden_value(page, "lock_version") == str(saved.lock_version)
    # The head keeps their answer: the page's own form now saves.
    assert (
        client.post(
            url,
            CONTACTS | {"lock_version": hidden_value(page, "lock_version"), "key_contact_name": "Typed by the head"},
        ).status_code
        == 302
    )
    saved.refresh_from_db()
    assert saved.key_contact_name == "Typed by the head"


def test_a_second_concurrent_change_after_a_conflict_is_detected_again(client, world):
    client.force_login(world.a.head)
    profile = start(client, world)
    opened = profile.lock_version
    url = p("profile-section", world, profile.pk, "partnerships")
    form = {"proposed_partner_school": "", "other_comments": ""}
    client.force_login(world.a.sip)
    client.post(url, form | {"lock_version": opened, "partner_criteria": "First"})
    client.force_login(world.a.head)
    page = client.post(url, form | {"lock_version": opened, "partner_criteria": "Mine"}).content.decode()
    carried = hidden_value(page, "lock_version")
    client.force_login(world.a.sip)
    client.post(url, form | {"lock_version": carried, "partner_criteria": "Second"})
    client.force_login(world.a.head)
    page = client.post(url, form | {"lock_version": carried, "partner_criteria": "Mine"}).content.decode()
    assert "Someone else saved a change" in page and "Second" in page
    with scope(la=world.a.la.pk):
        assert PriorityProfile.objects.get(pk=profile.pk).partner_criteria == "Second"


def test_a_most_important_conflict_names_the_priorities_on_both_sides(client, world):
    client.force_login(world.a.head)
    profile = fill(client, world, start(client, world))
    url = p("profile-section", world, profile.pk, "most-important")
    opened = profile.lock_version
    client.force_login(world.a.sip)
    assert client.post(url, {"lock_version": opened, "positions": ["1", "2", "3"]}).status_code == 302
    client.force_login(world.a.head)
    page = client.post(url, {"lock_version": opened, "positions": ["2", "3", "4"]}).content.decode()
    assert "Priority 1, Priority 2, Priority 3" in page and "Priority 2, Priority 3, Priority 4" in page
    again = client.post(url, {"lock_version": hidden_value(page, "lock_version"), "positions": ["2", "3", "4"]})
    assert again.status_code == 302
    with scope(la=world.a.la.pk):
        marked = PriorityProfile.objects.get(pk=profile.pk).priorities.filter(most_important=True)
        assert sorted(marked.values_list("position", flat=True)) == [2, 3, 4]


def test_a_priorities_conflict_shows_each_changed_priority_and_the_next_save_goes_through(client, world):
    client.force_login(world.a.head)
    profile = start(client, world)
    url = p("profile-section", world, profile.pk, "priorities")
    opened = priorities_post(profile, 3)
    client.force_login(world.a.sip)
    assert client.post(url, opened | {"priorities-0-priority": "Reading (SIP)"}).status_code == 302
    client.force_login(world.a.head)
    page = client.post(url, opened | {"priorities-0-priority": "Writing (head)"}).content.decode()
    assert "Reading (SIP)" in page and "Writing (head)" in page and "Priority 1" in page
    assert "Comments for the headteacher" not in page
    again = opened | {"priorities-0-priority": "Writing (head)", "lock_version": hidden_value(page, "lock_version")}
    assert client.post(url, again).status_code == 302
    with scope(la=world.a.la.pk):
        assert PriorityProfile.objects.get(pk=profile.pk).priorities.get(position=1).priority == "Writing (head)"


def test_a_plan_action_conflict_shows_both_versions_and_the_next_save_goes_through(client, world):
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
    assert "The head&#x27;s wording" in page and "The SIP&#x27;s wording" in page
    assert (
        client.post(
            url, form | {"description": "The SIP's wording", "version": hidden_value(page, "version")}
        ).status_code
        == 302
    )
    action.refresh_from_db()
    assert action.description == "The SIP's wording"


def test_two_people_editing_one_priority_never_silently_overwrite(client, world):
    with scopes_disabled():
        priority = PriorityFactory(school=world.a.school, title="Maths")
    url = p("edit", world, priority.pk)
    form = {
        "key_focus_areas": "Tracked groups",
        "starts_on": "2026-09-01",
        "ends_on": "2027-07-31",
        "is_active": "on",
        "version": str(priority.version),
    }
    client.force_login(world.a.head)
    assert client.post(url, form | {"title": "Maths for FSM boys"}).status_code == 302
    client.force_login(world.a.sip)
    page = client.post(url, form | {"title": "Maths in year 9"}).content.decode()
    assert "Maths for FSM boys" in page and "Maths in year 9" in page
    priority.refresh_from_db()
    assert priority.title == "Maths for FSM boys"
    assert (
        client.post(url, form | {"title": "Maths in year 9", "version": hidden_value(page, "version")}).status_code
        == 302
    )
    priority.refresh_from_db()
    assert priority.title == "Maths in year 9"


# --- starting, history and audit -----------------------------------------------------------------


def test_starting_twice_lands_on_the_same_profile(client, world):
    client.force_login(world.a.head)
    first = client.post(p("profile-home", world))
    second = client.post(p("profile-home", world))
    assert first["Location"] == second["Location"]
    with scope(la=world.a.la.pk):
        assert PriorityProfile.objects.filter(school=world.a.school, academic_year=2026).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_start_requests_at_once_create_one_profile(world):
    """A double click: two transactions at once on PostgreSQL, no duplicate key, one profile."""
    results, errors = [], []
    barrier = threading.Barrier(2)

    def start_once():
        try:
            barrier.wait()
            with scope(la=world.a.la.pk):
                results.append(profile_start(actor=world.a.head, school=world.a.school).pk)
        except Exception as error:  # noqa: BLE001 - the test reports any failure
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=start_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(set(results)) == 1
    with scope(la=world.a.la.pk):
        assert PriorityProfile.objects.filter(school=world.a.school, academic_year=2026).count() == 1


def test_a_school_outside_gaining_ground_cannot_start_a_form_1_and_is_told_why(client, world):
    with scopes_disabled():
        School.objects.filter(pk=world.a.school.pk).update(gaining_ground_joined=None)
    client.force_login(world.a.head)
    page = client.get(p("profile-home", world)).content.decode()
    assert "is not in Gaining Ground" in page and "Start this year" not in page
    client.post(p("profile-home", world))
    with scope(la=world.a.la.pk):
        assert not PriorityProfile.objects.filter(school=world.a.school, academic_year=2026).exists()


def test_marking_the_three_most_important_is_audited_and_reads_in_words(client, world):
    client.force_login(world.a.head)
    profile = fill(client, world, start(client, world))
    with scopes_disabled():
        audited = AuditEvent.objects.filter(action=Action.PROFILE_CHANGED, detail__most_important__isnull=False)
        assert audited.get().detail["most_important"] == ["Priority 1", "Priority 2", "Priority 4"]
    transition(client, world, profile, "send")
    page = client.get(p("profile-check", world, profile.pk)).content.decode()
    assert "Marked the three most important issues" in page and "Sent to the SIP" in page
    assert "— Send" not in page and "sended" not in page


def test_a_draft_and_a_returned_profile_show_the_same_warnings_before_send(client, world):
    client.force_login(world.a.head)
    profile = start(client, world)
    draft = client.get(p("profile-check", world, profile.pk)).content.decode()
    profile = fill(client, world, profile)
    transition(client, world, profile, "send")
    client.force_login(world.a.sip)
    transition(client, world, profile, "return", comment="Please check the dates.")
    client.force_login(world.a.head)
    client.post(
        p("profile-section", world, profile.pk, "contacts"),
        CONTACTS
        | {
            "lock_version": PriorityProfile.objects.with_scopes_disabled().get(pk=profile.pk).lock_version,
            "sip_phone": "",
        },
    )
    returned = client.get(p("profile-check", world, profile.pk)).content.decode()
    assert "Mark the three most important issues." not in draft
    assert "Mark the three most important issues." not in returned
    # "Still needed" names exactly which contact detail is missing, and links to its section.
    assert "Give the SIP&#x27;s phone number." in returned
    assert p("profile-section", world, profile.pk, "contacts") in returned
    assert "Not provided" in returned


def test_a_returned_profile_shows_the_sips_comments_on_its_task_list_and_in_the_email(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.a.head)
    profile = fill(client, world, start(client, world))
    transition(client, world, profile, "send")
    client.force_login(world.a.sip)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        transition(client, world, profile, "return", comment="Priority 3 needs a measurable end.")
    client.force_login(world.a.head)
    page = client.get(p("profile", world, profile.pk)).content.decode()
    assert "Returned by the SIP" in page and "Priority 3 needs a measurable end." in page
    assert any("Priority 3 needs a measurable end." in m.body for m in mail.outbox)


def test_the_head_cannot_change_form_1_while_it_is_with_the_sip_and_is_told_why(client, world):
    client.force_login(world.a.head)
    profile = fill(client, world, start(client, world))
    transition(client, world, profile, "send")
    profile.refresh_from_db()
    url = p("profile-section", world, profile.pk, "contacts")
    page = client.get(url)
    assert page.status_code == 200 and "This profile is with the SIP" in page.content.decode()
    assert client.post(url, CONTACTS | {"lock_version": profile.lock_version}).status_code == 403
    # The SIP may still change it, and the change is in the history the head will read.
    client.force_login(world.a.sip)
    assert client.post(url, CONTACTS | {"lock_version": profile.lock_version, "sip_phone": "01"}).status_code == 302
    with scope(la=world.a.la.pk):
        last = PriorityProfile.objects.get(pk=profile.pk).events.last()
    assert last.get_action_display() == "Changed" and last.comment == "Changed the contact details"


# --- the plan --------------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["new", "plan-action-new"])
def test_la_administrators_read_the_plan_but_do_not_change_it(client, world, url_name):
    with scopes_disabled():
        priority = PriorityFactory(school=world.a.school)
        PlanActionFactory(priority=priority, description="Weekly maths intervention")
    client.force_login(world.a.la_admin)
    assert "Weekly maths intervention" in client.get(p("plan", world)).content.decode()
    args = [priority.pk] if url_name == "plan-action-new" else []
    assert client.get(p(url_name, world, *args)).status_code == 403


@time_machine.travel(datetime.datetime(2027, 1, 15, 12, tzinfo=datetime.UTC))
def test_a_milestone_cannot_be_done_before_its_priority_starts_or_in_the_future(client, world):
    with scopes_disabled():
        priority = PriorityFactory(school=world.a.school, starts_on=datetime.date(2026, 9, 1))
    client.force_login(world.a.sip)
    form = {
        "description": "Weekly maths intervention",
        "owner": "Ms Grace Adeyemi",
        "success_criteria": "",
        "data_sources": "",
        "version": "0",
        "milestones-TOTAL_FORMS": "1",
        "milestones-INITIAL_FORMS": "0",
        "milestones-0-description": "Groups set",
        "milestones-0-due_on": "2026-10-01",
    }
    page = client.post(p("plan-action-new", world, priority.pk), form | {"milestones-0-done_on": "2026-08-01"})
    assert "cannot be done on 1 August 2026: the priority starts on 1 September 2026" in page.content.decode()
    page = client.post(p("plan-action-new", world, priority.pk), form | {"milestones-0-done_on": "2027-02-01"})
    assert "a day still to come" in page.content.decode()
    assert (
        client.post(p("plan-action-new", world, priority.pk), form | {"milestones-0-done_on": "2026-10-02"}).status_code
        == 302
    )
    with scopes_disabled():
        assert PlanAction.objects.filter(priority=priority).count() == 1


def test_another_schools_plan_action_is_a_recorded_404(client, world):
    with scopes_disabled():
        action = PlanActionFactory(priority=PriorityFactory(school=world.a.other_school))
    client.force_login(world.a.head)
    assert client.get(p("plan-action", world, action.pk)).status_code == 404
    with scopes_disabled():
        assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED, detail__what=f"plan action {action.pk}").exists()


def test_in_gaining_ground_is_one_queryset_and_refuses_to_run_unscoped(world):
    from django_scopes.exceptions import ScopeError

    with scope(la=world.a.la.pk):
        assert list(School.objects.in_gaining_ground()) == [world.a.school]
        assert world.a.other_school in School.objects.not_in_gaining_ground()
    with pytest.raises(ScopeError):
        list(School.objects.in_gaining_ground())


def test_history_events_read_in_words():
    assert ProfileEvent.Kind("send").label == "Sent to the SIP"
    assert ProfileEvent.Kind("marked-most-important").label == "Marked the three most important issues"
    assert Priority._meta.get_field("version").default == 1


def test_agreeing_form_1_carries_focus_areas_over_and_later_drift_is_shown(client, world):
    with scopes_disabled():
        PriorityFactory(school=world.a.school, title="Priority 1", key_focus_areas="Old wording")
    client.force_login(world.a.head)
    profile = fill(client, world, start(client, world))
    transition(client, world, profile, "send")
    client.force_login(world.a.sip)
    transition(client, world, profile, "agree")
    with scope(la=world.a.la.pk):
        carried = Priority.objects.get(school=world.a.school, title="Priority 1")
    assert carried.key_focus_areas == "Focus 1"  # the plan and the governors read the agreed text
    assert "Differs from the agreed Form 1" not in client.get(p("list", world)).content.decode()
    with scopes_disabled():
        Priority.objects.filter(pk=carried.pk).update(key_focus_areas="Edited later")
    page = client.get(p("list", world)).content.decode()
    assert "Differs from the agreed Form 1" in page and "Form 1 says: Focus 1" in page


# --- years: history, carry-over and the turn of the year ----------------------------------------


def test_this_years_form_1_starts_from_last_years_priorities_each_kept_changed_or_dropped(client, world):
    client.force_login(world.a.head)
    profile = start(client, world)
    with scope(la=world.a.la.pk):
        rows = list(profile.priorities.values_list("priority", "from_last_year", "most_important"))
        last_year = profile.carried_from
    assert last_year.academic_year == 2025
    assert rows == [(f"2025/26 priority {n}", True, False) for n in (1, 2, 3)]
    tasks = client.get(p("profile", world, profile.pk)).content.decode()
    assert "Last year&#x27;s priorities: keep, change or drop" in tasks and "Not started" in tasks
    url = p("profile-section", world, profile.pk, "last-year")
    page = client.post(url, {"lock_version": profile.lock_version, "row_1": "keep", "row_2": "drop"})
    assert "Say whether to keep, change or drop “2025/26 priority 3”." in page.content.decode()
    response = client.post(
        url, {"lock_version": profile.lock_version, "row_1": "keep", "row_2": "drop", "row_3": "change"}
    )
    assert response["Location"] == p("profile-section", world, profile.pk, "priorities")
    with scope(la=world.a.la.pk):
        profile = PriorityProfile.objects.get(pk=profile.pk)
        assert list(profile.priorities.values_list("position", "priority")) == [
            (1, "2025/26 priority 1"),
            (2, "2025/26 priority 3"),
        ]
        event = profile.events.last()
    assert event.get_action_display() == "Decided which of last year's priorities to keep"
    assert event.comment == "Kept: 2025/26 priority 1; To change: 2025/26 priority 3; Dropped: 2025/26 priority 2"
    with scopes_disabled():
        assert AuditEvent.objects.filter(detail__carried_over__drop=["2025/26 priority 2"]).exists()


def test_last_years_form_1_is_read_only_history(client, world):
    with scope(la=world.a.la.pk):
        last_year = PriorityProfile.objects.get(school=world.a.school, academic_year=2025)
    client.force_login(world.a.head)
    home = client.get(p("profile-home", world)).content.decode()
    assert "2025/26" in home and "History" in home
    page = client.get(p("profile-section", world, last_year.pk, "contacts")).content.decode()
    assert "kept as history; it no longer changes" in page
    check = client.get(p("profile-check", world, last_year.pk)).content.decode()
    assert "2025/26" in check and "Start a new version" not in check
    assert client.post(p("profile-check", world, last_year.pk), {"transition": "new-version"}).status_code == 302
    with scope(la=world.a.la.pk):
        assert PriorityProfile.objects.filter(school=world.a.school, academic_year=2025).count() == 1


def test_the_plan_says_its_year_and_offers_earlier_years_read_only(client, world):
    with scopes_disabled():
        PriorityFactory(school=world.a.school, title="This year's maths")
    client.force_login(world.a.sip)
    page = client.get(p("plan", world)).content.decode()
    assert "Improvement plan 2026/27" in page and "This year&#x27;s maths" in page
    assert 'href="?year=2025"' in page and 'href="?year=2024"' in page
    earlier = client.get(p("plan", world) + "?year=2025").content.decode()
    assert "Improvement plan 2025/26" in earlier and "2025/26: progress of FSM pupils in maths" in earlier
    assert "kept as history" in earlier and "Add an action" not in earlier
    assert client.get(p("plan", world) + "?year=nonsense").status_code == 200
    with scope(la=world.a.la.pk):
        old = PlanAction.objects.get(priority__title="2025/26: progress of FSM pupils in maths")
    assert client.get(p("plan-action", world, old.pk)).status_code == 403


def test_open_actions_at_year_end_are_carried_or_closed_per_item_and_recorded(client, world):
    with scope(la=world.a.la.pk):
        carry = PlanAction.objects.get(priority__title="2025/26: progress of FSM pupils in maths")
        close = PlanAction.objects.get(priority__title="2024/25: progress of FSM pupils in maths")
        carry.milestones.create(description="Summer data drop", due_on=datetime.date(2026, 10, 1))
    client.force_login(world.a.sip)
    plan_page = client.get(p("plan", world)).content.decode()
    assert "2 actions of earlier years' plans are still open" in plan_page
    url = p("plan-year-end", world)
    page = client.post(url, {"action": close.pk, f"action-{close.pk}-decision": "closed"}).content.decode()
    assert "Say why the action closes." in page
    client.post(url, {"action": close.pk, f"action-{close.pk}-decision": "closed", f"action-{close.pk}-reason": "Met."})
    client.post(url, {"action": carry.pk, f"action-{carry.pk}-decision": "carried"})
    with scope(la=world.a.la.pk):
        close.refresh_from_db()
        carry.refresh_from_db()
        assert (close.year_end, close.year_end_reason, close.year_end_by) == ("closed", "Met.", world.a.sip)
        new = carry.carried_into.get()
        assert new.priority.title == carry.priority.title and new.priority.starts_on == datetime.date(2026, 9, 1)
        assert list(new.milestones.values_list("description", flat=True)) == ["Summer data drop"]
    assert "Every action of earlier years has been carried" in client.get(url).content.decode()
    # Decided once: a second decision on the same action is a recorded 404.
    assert client.post(url, {"action": carry.pk, f"action-{carry.pk}-decision": "closed"}).status_code == 404
    client.force_login(world.a.governor)
    assert client.get(url).status_code == 403


def test_an_la_administrator_corrects_last_years_form_1_only_with_a_reason_that_is_audited(client, world):
    with scope(la=world.a.la.pk):
        last_year = PriorityProfile.objects.get(school=world.a.school, academic_year=2025)
    url = p("profile-section", world, last_year.pk, "contacts")
    client.force_login(world.a.head)
    assert client.post(url, CONTACTS | {"lock_version": last_year.lock_version}).status_code == 403
    client.force_login(world.a.la_admin)
    page = client.post(url, CONTACTS | {"lock_version": last_year.lock_version}).content.decode()
    assert "Say why you are correcting this earlier year&#x27;s record." in page
    response = client.post(
        url,
        CONTACTS
        | {"lock_version": last_year.lock_version, "correction_reason": "The key contact's email was mistyped."},
    )
    assert response.status_code == 302
    last_year.refresh_from_db()
    assert last_year.key_contact_email == "head@example.org" and last_year.state == "submitted"
    with scopes_disabled():
        record = AuditEvent.objects.filter(action=Action.PROFILE_CHANGED, actor=world.a.la_admin).get()
    assert record.detail["correction"] == "The key contact's email was mistyped."


def test_an_la_administrator_corrects_last_years_plan_with_a_reason_and_others_cannot(client, world):
    with scope(la=world.a.la.pk):
        old = PlanAction.objects.get(priority__title="2025/26: progress of FSM pupils in maths")
    url = p("plan-action", world, old.pk)
    form = {
        "description": "Corrected wording",
        "owner": old.owner,
        "success_criteria": old.success_criteria,
        "data_sources": "",
        "version": str(old.version),
        "milestones-TOTAL_FORMS": "0",
        "milestones-INITIAL_FORMS": "0",
    }
    client.force_login(world.a.sip)
    assert client.post(url, form).status_code == 403
    client.force_login(world.a.la_admin)
    earlier = client.get(p("plan", world) + "?year=2025").content.decode()
    assert "Correct" in earlier and url in earlier
    assert "Say why you are correcting" in client.post(url, form).content.decode()
    assert client.post(url, form | {"correction_reason": "Typo in the action."}).status_code == 302
    old.refresh_from_db()
    assert old.description == "Corrected wording"
    with scopes_disabled():
        assert AuditEvent.objects.filter(action=Action.PLAN_CHANGED, detail__correction="Typo in the action.").exists()
    # This year's plan stays the head's and the SIP's.
    with scopes_disabled():
        current = PlanActionFactory(priority=PriorityFactory(school=world.a.school))
    assert client.get(p("plan-action", world, current.pk)).status_code == 403


def test_only_the_head_and_the_sip_start_form_1(client, world):
    client.force_login(world.a.la_admin)
    assert "Start this year" not in client.get(p("profile-home", world)).content.decode()
    assert client.post(p("profile-home", world)).status_code == 403
    client.force_login(world.a.governor)
    assert client.post(p("profile-home", world)).status_code == 404
    with scope(la=world.a.la.pk):
        assert not PriorityProfile.objects.filter(school=world.a.school, academic_year=2026).exists()
