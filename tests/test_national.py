from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from tenancy.models import NationalBody

from .factories import ProfileFactory


def test_the_matching_queue_shows_this_years_profiles_and_offers_earlier_years(client, world):
    with scopes_disabled():
        ProfileFactory(
            school=world.a.school,
            state="submitted",
            matching_body=NationalBody.objects.get(kind="ssat"),
            submitted_at=timezone.now(),
            partner_criteria="This year's request",
        )
    client.force_login(world.ssat)
    path = reverse("national:profiles", args=["ssat"])
    response = client.get(path)
    page = response.content.decode()
    assert "School Priority Profiles to match, 2026/27" in page
    assert [p.academic_year for p in response.context["profiles"]] == [2026]
    # The world's earlier years each have a submitted profile; they are one click away.
    assert 'href="?year=2025"' in page and 'href="?year=2024"' in page
    earlier = client.get(path + "?year=2025")
    assert [p.academic_year for p in earlier.context["profiles"]] == [2025]
    assert "School Priority Profiles to match, 2025/26" in earlier.content.decode()
    assert client.get(path + "?year=nonsense").status_code == 200
