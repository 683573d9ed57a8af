"""Factories for the core-training programme (courses, sessions, bookings and places)."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from tenancy.academic_year import current_academic_year
from training.models import Booking, Course, Place, Session, Subject

from .factories import LocalAuthorityFactory, ModelFactory, SchoolFactory


class CourseFactory(ModelFactory):
    class Meta:
        model = Course

    la = factory.SubFactory(LocalAuthorityFactory)
    academic_year = factory.LazyFunction(current_academic_year)
    subject = Subject.ENGLISH
    title = factory.Sequence(lambda n: f"Course {n}")
    length_days = Decimal("1.0")


class SessionFactory(ModelFactory):
    class Meta:
        model = Session

    course = factory.SubFactory(CourseFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    starts_at = datetime.time(9, 30)
    ends_at = datetime.time(15, 30)
    venue = "Professional Development Centre, Room 2"
    capacity = 20
    booking_deadline = factory.LazyAttribute(lambda o: o.date - datetime.timedelta(days=7))


class BookingFactory(ModelFactory):
    class Meta:
        model = Booking
        django_get_or_create = ("school", "course")

    school = factory.SubFactory(SchoolFactory)
    course = factory.SubFactory(CourseFactory)
    who_attends = "Head of English and the literacy coordinator"
    expected_improvements = "More pupils entering at level 3 reach level 5."


class PlaceFactory(ModelFactory):
    class Meta:
        model = Place

    booking = factory.SubFactory(BookingFactory)
    session = factory.SubFactory(SessionFactory)
    staff_name = factory.Sequence(lambda n: f"Teacher {n}")
    state = Place.State.CONFIRMED
