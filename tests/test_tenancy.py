import pytest
from django.apps import apps
from django_scopes import ScopeError, scope, scopes_disabled

from accounts.models import Membership
from schools.models import School
from tenancy.models import LocalAuthority
from tenancy.scoping import GuardedDisabledQuerySet
from visits.models import SipAssignment

from .factories import (
    DataImportFactory,
    InvitationFactory,
    NextStepFactory,
    PerformanceResultFactory,
    PlanActionFactory,
    ProfilePriorityFactory,
    SipAssignmentFactory,
)


def paths_to_la(model, seen=()) -> list[str]:
    """Every chain of foreign keys from this model to LocalAuthority, as query paths."""
    paths = []
    for field in model._meta.get_fields():
        if not (field.many_to_one or (field.one_to_one and field.concrete)):
            continue
        if field.related_model is LocalAuthority:
            paths.append(field.name)
        elif field.related_model not in seen and field.related_model is not model:
            paths += [f"{field.name}__{rest}" for rest in paths_to_la(field.related_model, (*seen, model))]
    return paths


# Derived from the app registry, so a new model with a path to an LA cannot escape these tests.
TENANT_MODELS = [model for model in apps.get_models() if model is not LocalAuthority and paths_to_la(model)]
ids = [model._meta.label for model in TENANT_MODELS]


def test_the_tenant_models_are_found_in_the_registry():
    labels = set(ids)
    # A sample across the apps, so that a broken derivation cannot pass with an empty list.
    assert {
        "schools.School",
        "accounts.Membership",
        "audit.AuditEvent",
        "visits.VisitPerson",
        "visits.NextStep",
        "priorities.ProfilePriority",
        "priorities.RagReview",
    } <= labels
    assert len(labels) >= 21
    assert "accounts.User" not in labels and "tenancy.NationalBody" not in labels


@pytest.mark.parametrize("model", TENANT_MODELS, ids=ids)
def test_every_tenant_model_is_scoped_by_its_path_to_the_la(model):
    manager = model._default_manager
    assert manager is model.objects, "the scoped manager must be the default one (related managers use it)"
    assert getattr(manager, "scoped_by", {}).get("la") in paths_to_la(model), (
        f"{model._meta.label} needs objects = ScopedManager(la=<one of {paths_to_la(model)}>) from tenancy.scoping"
    )
    assert isinstance(model.objects.get_queryset(), GuardedDisabledQuerySet)
    # Inside a scope the query is the unscoped one filtered by the LA, and nothing else.
    path = manager.scoped_by["la"]
    with scope(la=7):
        assert str(model.objects.all().query) == str(model._base_manager.filter(**{path: 7}).query)
    with scope(la=[7, 8]):
        assert str(model.objects.all().query) == str(model._base_manager.filter(**{f"{path}__in": [7, 8]}).query)


REFUSED_OUTSIDE_A_SCOPE = {
    "all": lambda m: list(m.objects.all()),
    "filter": lambda m: m.objects.filter(pk=1),
    "exclude": lambda m: m.objects.exclude(pk=1),
    "exists": lambda m: m.objects.exists(),
    "exists after a chain": lambda m: m.objects.select_related().distinct().exists(),
    "count": lambda m: m.objects.count(),
    "get": lambda m: m.objects.get(pk=1),
    "first": lambda m: m.objects.first(),
    "values": lambda m: m.objects.values("pk"),
    "in_bulk": lambda m: m.objects.in_bulk([1]),
    "explain": lambda m: m.objects.explain(),
    "iterator": lambda m: list(m.objects.iterator()),
    "aggregate": lambda m: m.objects.aggregate(),
    "update": lambda m: m.objects.update(),
    "delete": lambda m: m.objects.select_related().delete(),
    "create": lambda m: m.objects.create(),
    "get_or_create": lambda m: m.objects.get_or_create(pk=1),
    "bulk_create": lambda m: m.objects.bulk_create([m()]),
    "bulk_update": lambda m: m.objects.bulk_update([m(pk=1)], fields=[m._meta.pk.name]),
}


@pytest.mark.parametrize("call", REFUSED_OUTSIDE_A_SCOPE.values(), ids=REFUSED_OUTSIDE_A_SCOPE.keys())
@pytest.mark.parametrize("model", TENANT_MODELS, ids=ids)
def test_every_query_and_write_on_tenant_data_without_a_scope_raises(db, model, call):
    with pytest.raises(ScopeError):
        call(model)


def test_a_create_refused_outside_a_scope_writes_nothing(world):
    with pytest.raises(ScopeError):
        School.objects.create(la=world.a.la, urn="999999", name="Nowhere School")
    with pytest.raises(ScopeError):
        School.objects.bulk_create([School(la=world.a.la, urn="999998", name="Nowhere Academy")])
    with scopes_disabled():
        assert not School.objects.filter(urn__in=["999999", "999998"]).exists()


def test_each_la_scope_sees_only_that_las_rows_of_every_tenant_model(world):
    with scopes_disabled():
        for side in (world.a, world.b):
            assignment = SipAssignmentFactory(school=side.other_school, sip=side.sip)
            NextStepFactory(visit__assignment=assignment)
            PlanActionFactory(priority__school=side.other_school)
            ProfilePriorityFactory(profile__school=side.other_school)
            PerformanceResultFactory(school=side.other_school)
            InvitationFactory(la=side.la)
            DataImportFactory(la=side.la)
    seen_rows = set()
    for side, other in ((world.a, world.b), (world.b, world.a)):
        with scope(la=side.la.pk):
            for model in TENANT_MODELS:
                path = model.objects.scoped_by["la"]
                las = set(model.objects.values_list(path, flat=True))
                assert other.la.pk not in las, model._meta.label
                if las:
                    seen_rows.add(model._meta.label)
    # The check above saw real rows of most models, not only empty tables.
    assert len(seen_rows) >= 12, seen_rows


def test_a_scope_of_several_las_sees_those_and_no_other(world):
    with scope(la=[world.a.la.pk, world.b.la.pk]):
        assert School.objects.count() == 4
    with scope(la=[world.b.la.pk]):
        assert set(School.objects.values_list("la__code", flat=True)) == {"302"}
    assert School.objects.with_scope(la=[world.a.la.pk]).filter(urn=world.b.school.urn).exists() is False


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
