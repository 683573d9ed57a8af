"""Views read through their app's selectors, whose object helpers keep other LAs' objects out of reach."""

import ast
from pathlib import Path

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import Invitation, Membership, Role

from .factories import InvitationFactory

ROOT = Path(__file__).resolve().parent.parent
VIEW_MODULES = [
    "accounts/views.py",
    "national/views.py",
    "partnerships/views.py",
    "priorities/plan/views.py",
    "priorities/profile/views.py",
    "reports/views.py",
    "reports/national_views.py",
    "schools/views.py",
    "training/views.py",
    "visits/views.py",
]


@pytest.mark.parametrize("module", VIEW_MODULES)
def test_views_query_no_model_directly(module):
    tree = ast.parse((ROOT / module).read_text(), filename=module)
    direct = [
        f"{module}:{node.lineno}"
        for node in ast.walk(tree)
        if (isinstance(node, ast.Attribute) and node.attr in ("objects", "_default_manager"))
        or (isinstance(node, ast.Name) and node.id == "get_object_or_404")
    ]
    assert direct == [], "read these through the app's selectors.py"


def test_an_la_admin_cannot_reach_another_las_roles_or_invitations(client, world):
    with scopes_disabled():
        barnet_role = Membership.objects.get(user=world.b.la_admin, role=Role.LA_ADMIN)
        barnet_invitation = InvitationFactory(la=world.b.la, email="barnet-invitee@example.org", role=Role.SIP)
    client.force_login(world.a.la_admin)
    assert client.get(reverse("people:membership-edit", args=["926", barnet_role.pk])).status_code == 404
    assert client.post(reverse("people:membership-remove", args=["926", barnet_role.pk])).status_code == 404
    assert client.post(reverse("people:invitation-revoke", args=["926", barnet_invitation.pk])).status_code == 404
    with scopes_disabled():
        assert Membership.objects.filter(pk=barnet_role.pk).exists()
        assert Invitation.objects.get(pk=barnet_invitation.pk).revoked_at is None
