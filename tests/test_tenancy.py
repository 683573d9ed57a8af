import pytest
from django_scopes import ScopeError, scope

from accounts.models import Invitation, Membership
from audit.models import AuditEvent
from schools.models import School
from visits.models import SipAssignment

TENANT_MODELS = [School, Membership, Invitation, SipAssignment, AuditEvent]


@pytest.mark.parametrize("model", TENANT_MODELS, ids=lambda m: m.__name__)
def test_a_query_on_tenant_data_without_a_scope_raises(world, model):
    with pytest.raises(ScopeError):
        list(model.objects.all())
    with pytest.raises(ScopeError):
        model.objects.filter(pk=1).exists()


def test_inside_an_la_scope_only_that_las_schools_are_seen(world):
    with scope(la=world.a.la.pk):
        names = set(School.objects.values_list("name", flat=True))
        assert names == {world.a.school.name, world.a.other_school.name}
        assert not School.objects.filter(urn=world.b.school.urn).exists()


def test_inside_an_la_scope_memberships_of_other_las_are_not_seen(world):
    with scope(la=world.a.la.pk):
        emails = set(Membership.objects.values_list("user__email", flat=True))
    assert world.a.head.email in emails
    assert world.b.head.email not in emails
    assert world.ssat.email not in emails


def test_a_sip_assignment_is_scoped_through_its_school(world):
    with scope(la=world.b.la.pk):
        assert set(SipAssignment.objects.values_list("sip__email", flat=True)) == {world.b.sip.email}
