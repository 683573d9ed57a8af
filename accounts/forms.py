from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm

from common.forms import GovukFormMixin

from .models import INVITABLE_ROLES, SCHOOL_ROLES, Membership, Role

# The school model, through the membership's foreign key: schools build on accounts (access,
# roles), so accounts does not import them.
School = Membership.school.field.related_model

ROLE_CHOICES = [(r.value, r.label) for r in INVITABLE_ROLES]


class SignInForm(GovukFormMixin, AuthenticationForm):
    username = forms.EmailField(label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        label="Password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    error_messages = {
        "invalid_login": "Enter a correct email address and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Ask your LA administrator.",
    }


class QueuedPasswordResetForm(GovukFormMixin, PasswordResetForm):
    """Sends the reset email through a background task, and records the request."""

    email = forms.EmailField(
        label="Email address", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def save(self, *args, request=None, **kwargs):
        from .services import password_reset_request

        password_reset_request(email=self.cleaned_data["email"], request=request)


class NewPasswordForm(GovukFormMixin, SetPasswordForm):
    """The password reset link's form."""

    error_messages = {"password_mismatch": "The two passwords do not match."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields["new_password2"].label = "Confirm the new password"
        self.word_errors()


class PlaceForm(GovukFormMixin, forms.Form):
    """Role and place in an LA: shared by invitations and role changes."""

    role = forms.ChoiceField(choices=ROLE_CHOICES, widget=forms.RadioSelect)
    school = forms.ModelChoiceField(
        queryset=School.objects.none(),
        required=False,
        help_text="Needed for headteachers, governors, partner-school headteachers and training contacts.",
    )
    is_chair = forms.BooleanField(label="Chair of governors", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per request, inside the LA's scope: a class-level queryset would run unscoped.
        # Nobody takes up a role at a closed school.
        self.fields["school"].queryset = School.objects.open().order_by("name")

    def clean(self):
        cleaned = super().clean()
        role, school = cleaned.get("role"), cleaned.get("school")
        if role in SCHOOL_ROLES and school is None:
            self.add_error("school", "Choose the school for this role.")
        if role in (Role.LA_ADMIN, Role.SIP) and school is not None:
            self.add_error("school", "LA administrators and SIPs work for the LA: leave the school empty.")
        if cleaned.get("is_chair") and role != Role.GOVERNOR:
            self.add_error("is_chair", "Only a governor can be the chair of governors.")
        return cleaned


class InvitationForm(PlaceForm):
    email = forms.EmailField(label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    full_name = forms.CharField(label="Full name (optional)", required=False, max_length=150)
    field_order = ["email", "full_name", "role", "school", "is_chair"]


class AcceptInvitationForm(GovukFormMixin, forms.Form):
    full_name = forms.CharField(
        label="Full name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters. Not a common password, and not only numbers.",
    )
    password2 = forms.CharField(
        label="Confirm the password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    password1.error_name = "a password"
    password2.error_name = "the password again"

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords do not match.")
        elif first:
            from .models import User

            try:
                password_validation.validate_password(
                    first, User(email=self.email, full_name=cleaned.get("full_name", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
