import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.models import Invitation, Membership, Role, User
from audit.models import Action, AuditEvent

from .factories import PASSWORD, InvitationFactory


def invite(client, la_code, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("people:invitation-new", args=[la_code]), data)


def link_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/invitations/\S+/)", message.body).group(1)


def audit_of(la, action):
    with scope(la=la.pk):
        return list(AuditEvent.objects.filter(action=action))


def test_an_la_admin_invites_a_governor_who_joins_once(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.a.la_admin)
    response = invite(
        client,
        "926",
        django_capture_on_commit_callbacks,
        email="New.Governor@Example.org",
        role=Role.GOVERNOR,
        school=world.a.school.pk,
        is_chair="",
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new.governor@example.org"]
    assert world.a.school.name in mail.outbox[0].body
    assert len(audit_of(world.a.la, Action.INVITATION_SENT)) == 1

    path = link_path(mail.outbox[0])
    anonymous = client.__class__()
    page = anonymous.get(path)
    assert "Create my account" in page.content.decode()
    joined = anonymous.post(path, {"full_name": "Gina Governor", "password1": PASSWORD, "password2": PASSWORD})
    assert joined.status_code == 302
    # Signed in as the new person, and straight to the school's reports (a governor's home).
    assert anonymous.get("/", follow=True).redirect_chain[-1][0] == f"/la/926/schools/{world.a.school.urn}/reports/"
    with scopes_disabled():
        person = User.objects.get(email="new.governor@example.org")
        assert Membership.objects.filter(user=person, role=Role.GOVERNOR, school=world.a.school).exists()
    assert len(audit_of(world.a.la, Action.INVITATION_ACCEPTED)) == 1

    # The link works once.
    again = client.__class__().get(path)
    assert again.status_code == 410 and "already been used" in again.content.decode()


def test_an_expired_or_withdrawn_invitation_cannot_be_used(client, world):
    from accounts.services import invitation_token

    with scopes_disabled():
        expired = InvitationFactory(la=world.a.la, expires_at=timezone.now() - timezone.timedelta(minutes=1))
        withdrawn = InvitationFactory(la=world.a.la, revoked_at=timezone.now())
    for invitation, word in [(expired, "expired"), (withdrawn, "withdrawn")]:
        path = reverse("accounts:invitation-accept", args=[invitation_token(invitation)])
        response = client.post(path, {"full_name": "X", "password1": PASSWORD, "password2": PASSWORD})
        assert response.status_code == 410 and word in response.content.decode()
    with scopes_disabled():
        assert not User.objects.filter(email__in=[expired.email, withdrawn.email]).exists()


def test_a_tampered_invitation_link_answers_404(client, world):
    from accounts.services import invitation_token

    with scopes_disabled():
        invitation = InvitationFactory(la=world.a.la)
    token = invitation_token(invitation)
    assert client.get(reverse("accounts:invitation-accept", args=[token[:-2] + "xx"])).status_code == 404


def test_an_existing_person_accepts_by_signing_in(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.a.la_admin)
    invite(client, "926", django_capture_on_commit_callbacks, email=world.b.sip.email, role=Role.SIP)
    path = link_path(mail.outbox[0])
    client.logout()
    assert "Sign in to accept" in client.get(path).content.decode()
    client.force_login(world.b.sip)
    assert client.post(path).status_code == 302
    with scopes_disabled():
        assert Membership.objects.filter(user=world.b.sip, role=Role.SIP, la=world.a.la).exists()


def test_an_invitation_form_with_errors_keeps_what_was_typed(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.a.la_admin)
    response = invite(
        client,
        "926",
        django_capture_on_commit_callbacks,
        email="typed@example.org",
        full_name="Typed Name",
        role=Role.HEADTEACHER,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "Choose the school for this role." in html
    assert 'value="typed@example.org"' in html and 'value="Typed Name"' in html
    assert mail.outbox == []


def test_inviting_someone_who_already_has_the_role_is_refused(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.a.la_admin)
    response = invite(
        client,
        "926",
        django_capture_on_commit_callbacks,
        email=world.a.head.email,
        role=Role.HEADTEACHER,
        school=world.a.school.pk,
    )
    assert "already has this role" in response.content.decode()
    with scopes_disabled():
        assert not Invitation.objects.exists()


def test_the_school_choice_only_offers_the_las_own_schools(client, world):
    client.force_login(world.a.la_admin)
    html = client.get(reverse("people:invitation-new", args=["926"])).content.decode()
    assert world.a.school.name in html and world.b.school.name not in html


def test_an_la_admin_changes_a_role_and_it_is_audited(client, world):
    client.force_login(world.a.la_admin)
    with scopes_disabled():
        membership = Membership.objects.get(user=world.a.head)
    url = reverse("people:membership-edit", args=["926", membership.pk])
    response = client.post(url, {"role": Role.GOVERNOR, "school": world.a.school.pk})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.GOVERNOR
    [event] = audit_of(world.a.la, Action.ROLE_CHANGED)
    assert event.actor == world.a.la_admin
    assert event.detail["from"]["role"] == Role.HEADTEACHER and event.detail["to"]["role"] == Role.GOVERNOR


def test_the_last_la_admin_cannot_remove_their_own_role(client, world):
    client.force_login(world.a.la_admin)
    with scopes_disabled():
        membership = Membership.objects.get(user=world.a.la_admin)
    response = client.post(reverse("people:membership-remove", args=["926", membership.pk]), follow=True)
    assert "only administrator" in response.content.decode()
    with scopes_disabled():
        assert Membership.objects.filter(pk=membership.pk).exists()


def test_removing_a_role_asks_first_and_only_the_confirmation_removes_it(client, world):
    client.force_login(world.a.la_admin)
    with scopes_disabled():
        membership = Membership.objects.get(user=world.a.head)
    edit = client.get(reverse("people:membership-edit", args=["926", membership.pk])).content.decode()
    remove = reverse("people:membership-remove", args=["926", membership.pk])
    assert f'href="{remove}"' in edit
    # The old one-click button on the change page no longer removes anything.
    client.post(reverse("people:membership-edit", args=["926", membership.pk]), {"remove": "1"})
    question = client.get(remove).content.decode()
    assert "Are you sure you want to remove this role?" in question and "Yes, remove this role" in question
    with scopes_disabled():
        assert Membership.objects.filter(pk=membership.pk).exists()
    response = client.post(remove)
    assert response.status_code == 302 and response["Location"] == reverse("people:list", args=["926"])
    with scopes_disabled():
        assert not Membership.objects.filter(pk=membership.pk).exists()
    assert [e.actor for e in audit_of(world.a.la, Action.MEMBERSHIP_REMOVED)] == [world.a.la_admin]


@pytest.mark.parametrize("role", ["sip", "head", "governor"])
def test_only_la_admins_manage_people(client, world, role):
    client.force_login(world.a.people[role])
    assert client.get(reverse("people:list", args=["926"])).status_code == 403
    assert client.get(reverse("people:invitation-new", args=["926"])).status_code == 403


def test_withdrawing_an_invitation_stops_its_link(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.a.la_admin)
    invite(client, "926", django_capture_on_commit_callbacks, email="late@example.org", role=Role.SIP)
    with scopes_disabled():
        invitation = Invitation.objects.get()
    client.post(reverse("people:invitation-revoke", args=["926", invitation.pk]))
    assert client.__class__().get(link_path(mail.outbox[0])).status_code == 410
    assert len(audit_of(world.a.la, Action.INVITATION_REVOKED)) == 1


def test_la_admin_reads_only_their_las_audit_log(client, world, django_capture_on_commit_callbacks):
    barnet = client.__class__()
    barnet.force_login(world.b.la_admin)
    invite(barnet, "302", django_capture_on_commit_callbacks, email="barnet-only@example.org", role=Role.SIP)
    client.force_login(world.a.la_admin)
    invite(client, "926", django_capture_on_commit_callbacks, email="norfolk-only@example.org", role=Role.SIP)
    html = client.get(reverse("audit:log", args=["926"])).content.decode()
    assert "norfolk-only@example.org" in html and "barnet-only@example.org" not in html
    client.force_login(world.a.governor)
    assert client.get(reverse("audit:log", args=["926"])).status_code == 403


def test_a_wrong_tenant_attempt_is_logged_for_that_la(client, world):
    client.force_login(world.a.head)
    assert client.get(f"/la/302/schools/{world.b.school.urn}/").status_code == 404
    [event] = audit_of(world.b.la, Action.ACCESS_DENIED)
    assert event.actor == world.a.head and event.detail["path"].endswith(f"{world.b.school.urn}/")
