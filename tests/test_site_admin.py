import pytest

from tests.factories import UserFactory

ADMIN_PAGES = [
    "/admin/",
    "/admin/schools/school/",
    "/admin/schools/eligibilitycriterion/",
    "/admin/accounts/user/",
    "/admin/caseload/sipassignment/",
    "/admin/audit/auditevent/",
]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_the_site_administrator_sees_every_la_in_the_django_admin(client, world, path):
    admin = UserFactory(email="site-admin@example.org", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get(path)
    assert response.status_code == 200
    if path == "/admin/schools/school/":
        html = response.content.decode()
        assert world.a.school.name in html and world.b.school.name in html


def test_the_most_likely_flag_is_set_by_a_site_administrator(client, world):
    from schools.models import EligibilityCriterion

    admin = UserFactory(email="site-admin@example.org", is_staff=True, is_superuser=True)
    client.force_login(admin)
    criterion = EligibilityCriterion.objects.get(number=1)
    response = client.post(f"/admin/schools/eligibilitycriterion/{criterion.pk}/change/", {"most_likely": "on"})
    assert response.status_code == 302
    criterion.refresh_from_db()
    assert criterion.most_likely
