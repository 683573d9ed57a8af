"""Gaining Ground membership is recorded by the LA and never silently overwritten."""

import re

from django.urls import reverse
from django_scopes import scope

from audit.models import Action, AuditEvent
from schools import services
from schools.models import School


def url(world):
    return reverse("schools:gaining-ground", args=[world.a.la.code, world.a.other_school.urn])


def test_an_la_admin_records_that_a_school_joined(client, world):
    client.force_login(world.a.la_admin)
    page = client.get(url(world)).content.decode()
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    response = client.post(url(world), {"gaining_ground_joined": "2026", "gaining_ground_left": "", "version": version})
    assert response.status_code == 302
    with scope(la=world.a.la.pk):
        school = School.objects.get(pk=world.a.other_school.pk)
        assert school.in_gaining_ground and school.gaining_ground_joined == 2026
        assert AuditEvent.objects.filter(action=Action.SCHOOL_CHANGED, object_id=str(school.pk)).exists()


def test_two_people_editing_the_dates_at_once_see_both_and_the_next_save_goes_through(client, world):
    client.force_login(world.a.la_admin)
    opened = re.search(r'name="version" value="(\d+)"', client.get(url(world)).content.decode()).group(1)
    with scope(la=world.a.la.pk):  # someone else saves first
        services.school_set_gaining_ground(
            actor=world.a.la_admin, school=world.a.other_school, joined=2025, left=None, version=int(opened)
        )
    page = client.post(url(world), {"gaining_ground_joined": "2026", "gaining_ground_left": "", "version": opened})
    html = page.content.decode()
    assert page.status_code == 200 and "Someone else changed this school" in html
    assert "2025" in html and 'value="2026"' in html  # theirs beside what was typed
    with scope(la=world.a.la.pk):
        assert School.objects.get(pk=world.a.other_school.pk).gaining_ground_joined == 2025
    carried = re.search(r'name="version" value="(\d+)"', html).group(1)
    assert carried != opened
    again = client.post(url(world), {"gaining_ground_joined": "2026", "gaining_ground_left": "", "version": carried})
    assert again.status_code == 302
    with scope(la=world.a.la.pk):
        assert School.objects.get(pk=world.a.other_school.pk).gaining_ground_joined == 2026
