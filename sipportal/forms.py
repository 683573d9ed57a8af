from crispy_forms_gds.helper import FormHelper


class GovukFormMixin:
    """Renders fields the GOV.UK way; the page template writes the <form>, error summary and buttons."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page template writes the token


def add_domain_error(form, error) -> None:
    """Show a service's DomainError on the form: on its field when it names one, else at the top."""
    form.add_error(error.field if error.field in form.fields else None, error.message)
