from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from audit.models import Action
from audit.services import audit_record
from common.errors import DomainError
from common.forms import add_domain_error
from tenancy.selectors import get_la_for_user

from . import selectors, services
from .forms import (
    AcceptInvitationForm,
    InvitationForm,
    NewPasswordForm,
    PlaceForm,
    QueuedPasswordResetForm,
    SignInForm,
)
from .tables import InvitationTable, MembershipTable


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "registration/sign_in.html"
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("accounts:password-reset-done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(action=Action.PASSWORD_CHANGED, actor=form.user, request=self.request)
        return response


def people(request, la_code):
    get_la_for_user(request, "accounts.manage_people")
    table = MembershipTable(selectors.memberships_of_la())
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "accounts/people.html", {"table": table})


def membership_edit(request, la_code, membership_id):
    membership = selectors.get_membership_for_edit(request, membership_id)
    initial = {"role": membership.role, "school": membership.school, "is_chair": membership.is_chair}
    form = PlaceForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.membership_change_role(
                    actor=request.user,
                    membership=membership,
                    role=form.cleaned_data["role"],
                    school=form.cleaned_data["school"],
                    is_chair=form.cleaned_data["is_chair"],
                    request=request,
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, f"{membership.user} is now {membership.describe()}.")
                return redirect("people:list", la_code)
    return render(request, "accounts/membership_edit.html", {"membership": membership, "form": form})


def membership_remove(request, la_code, membership_id):
    """Asks first: removing a role cannot be undone from this page."""
    membership = selectors.get_membership_for_edit(request, membership_id)
    if request.method == "POST":
        try:
            services.membership_remove(actor=request.user, membership=membership, request=request)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("people:membership-edit", la_code, membership.pk)
        messages.success(request, f"{membership.user} no longer has the role {membership.describe()}.")
        return redirect("people:list", la_code)
    return render(request, "accounts/membership_remove.html", {"membership": membership})


def invitations(request, la_code):
    get_la_for_user(request, "accounts.manage_people")
    table = InvitationTable(selectors.invitations_of_la())
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "accounts/invitations.html", {"table": table})


def invitation_new(request, la_code):
    get_la_for_user(request, "accounts.manage_people")
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                actor=request.user, la=request.la, request=request, **form.cleaned_data
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("people:invitations", la_code)
    return render(request, "accounts/invitation_new.html", {"form": form})


@require_POST
def invitation_change(request, la_code, invitation_id, action):
    invitation = selectors.get_invitation_for_edit(request, invitation_id)
    service = {"resend": services.invitation_resend, "revoke": services.invitation_revoke}[action]
    try:
        service(actor=request.user, invitation=invitation, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        done = "sent again" if action == "resend" else "withdrawn"
        messages.success(request, f"The invitation for {invitation.email} has been {done}.")
    return redirect("people:invitations", la_code)


def invitation_accept(request, token):
    """The link from the invitation email. Works once, until it expires."""
    payload = services.invitation_token_read(token)
    if payload is None:
        raise Http404("This invitation link is not valid")
    invitation = selectors.invitation_from_link(payload)
    if invitation is None:
        raise Http404("This invitation link is not valid")
    context = {"invitation": invitation}
    if not invitation.is_usable:
        return render(request, "accounts/invitation_unusable.html", context, status=410)

    if selectors.has_account(invitation.email):
        signed_in_as_invitee = request.user.is_authenticated and request.user.email.lower() == invitation.email.lower()
        if request.method == "POST" and signed_in_as_invitee:
            return _accept(request, invitation, user=request.user)
        context.update(has_account=True, signed_in_as_invitee=signed_in_as_invitee)
        return render(request, "accounts/invitation_accept.html", context)

    form = AcceptInvitationForm(
        request.POST or None, email=invitation.email, initial={"full_name": invitation.full_name}
    )
    if request.method == "POST" and form.is_valid():
        return _accept(
            request,
            invitation,
            full_name=form.cleaned_data["full_name"],
            password=form.cleaned_data["password1"],
            form=form,
        )
    context["form"] = form
    return render(request, "accounts/invitation_accept.html", context)


def _accept(request, invitation, *, user=None, full_name="", password="", form=None):
    try:
        user = services.invitation_accept(
            invitation_id=invitation.pk,
            la_id=invitation.la_id,
            user=user,
            full_name=full_name,
            password=password,
            request=request,
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(request.path)
    if not request.user.is_authenticated:
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(
        request, f"Welcome. You are now {invitation.get_role_display().lower()} for {invitation.describe_place()}."
    )
    return redirect(reverse("home"))
