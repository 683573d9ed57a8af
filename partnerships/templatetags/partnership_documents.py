"""The school's approved Form 2 PDFs, shown beside its reports (the governors' landing page).

A tag rather than a view's import, so the reports app need not know of partnerships.
"""

from django import template

from partnerships.selectors import submitted_plan_documents
from tenancy.academic_year import academic_year_label

register = template.Library()


@register.inclusion_tag("partnerships/_school_form2_documents.html", takes_context=True)
def school_form2_documents(context, school, year: int) -> dict:
    """The submitted Form 2 versions of the school's partnerships in `year` that the person may read."""
    documents = submitted_plan_documents(context["request"].user, school, year)
    for document in documents:
        document.year_label = academic_year_label(document.plan.partnership.academic_year)
    return {"documents": documents}
