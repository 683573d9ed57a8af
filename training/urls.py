from django.urls import path

from . import views

app_name = "training"

# Under /la/<la_code>/training/.
urlpatterns = [
    path("", views.programme, name="programme"),
    path("copy/", views.programme_copy, name="programme-copy"),
    path("take-up/", views.take_up, name="take-up"),
    path("courses/new/", views.course_new, name="course-new"),
    path("courses/<int:course_id>/", views.course_detail, name="course"),
    path("courses/<int:course_id>/edit/", views.course_edit, name="course-edit"),
    path("courses/<int:course_id>/retire/", views.course_retire, name="course-retire"),
    path("courses/<int:course_id>/sessions/new/", views.session_new, name="session-new"),
    path("sessions/<int:session_id>/", views.session_detail, name="session"),
    path("sessions/<int:session_id>/edit/", views.session_edit, name="session-edit"),
    path("sessions/<int:session_id>/cancel/", views.session_cancel, name="session-cancel"),
    path("sessions/<int:session_id>/book/", views.session_book, name="book"),
    path("sessions/<int:session_id>/register/", views.register, name="register"),
    path("sessions/<int:session_id>/register.csv", views.register_csv, name="register-csv"),
    path("sessions/<int:session_id>/register.pdf", views.register_pdf, name="register-pdf"),
    path("sessions/<int:session_id>/register/pdf/", views.register_pdf_request, name="register-pdf-request"),
    path("places/<int:place_id>/cancel/", views.place_cancel, name="place-cancel"),
    path("places/<int:place_id>/accept/", views.offer_accept, name="offer-accept"),
    path("places/<int:place_id>/decline/", views.offer_decline, name="offer-decline"),
    path("places/<int:place_id>/decide/", views.place_decide, name="place-decide"),
    path("places/<int:place_id>/impact/", views.place_impact, name="place-impact"),
    path("places/<int:place_id>/certificate.pdf", views.certificate, name="certificate"),
    path("places/<int:place_id>/certificate/", views.certificate_request, name="certificate-request"),
    path("schools/<str:urn>/", views.school_training, name="school"),
    path("schools/<str:urn>/contact/", views.contact, name="contact"),
    path("schools/<str:urn>/contact/<int:membership_id>/remove/", views.contact_remove, name="contact-remove"),
    path(
        "schools/<str:urn>/contact/invitations/<int:invitation_id>/revoke/",
        views.contact_invitation_revoke,
        name="contact-revoke",
    ),
]
