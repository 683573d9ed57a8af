"""Form 2 as a PDF laid out like the handbook's Appendix B, rendered by a worker (`jobs.documents`)."""

from django.template.loader import render_to_string
from django.utils.text import slugify

from jobs.documents import render_job_pdf
from tenancy.academic_year import academic_year_label

from .models import Form2, Form2Document


def form2_html(plan: Form2) -> str:
    partnership = plan.partnership
    approved = plan.events.filter(action="approve").select_related("actor").order_by("-at", "-pk").first()
    return render_to_string(
        "partnerships/pdf/form2.html",
        {
            "partnership": partnership,
            "plan": plan,
            "areas": plan.focus_areas.prefetch_related("strategies"),
            "approved": approved,
            "year_label": academic_year_label(partnership.academic_year),
        },
    )


def form2_filename(plan: Form2) -> str:
    """School, date and what it is: what a person saving it would want to see."""
    day = (plan.submitted_at or plan.created_at).date()
    school = slugify(plan.partnership.school.name)
    return f"{school}-partnership-strategy-action-plan-{day:%Y-%m-%d}-v{plan.version_number}.pdf"


def form2_render(document: Form2Document) -> None:
    """Render one version's PDF and finish its job (the job runner called us)."""
    plan = Form2.objects.select_related(
        "partnership",
        "partnership__la",
        "partnership__school",
        "partnership__school__la",
        "partnership__partner_school",
        "partnership__partner_school__la",
    ).get(pk=document.plan_id)
    render_job_pdf(document, html=form2_html(plan), filename=form2_filename(plan))
