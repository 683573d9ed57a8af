"""The ten Gaining Ground criteria, worded as in the handbook ("Why is the school part of Gaining Ground?")."""

from django.db import migrations

CRITERIA = [
    (
        1,
        "More than 30% of pupils achieving five or more good GCSEs including English and mathematics but overall "
        "pupils' progress from Key Stage 2 to Key Stage 4 is below average.",
        "threshold-low-progress",
    ),
    (
        2,
        "Good numbers of pupils start secondary school at national expectations but fail to achieve their potential "
        "by the end of Key Stage 4. For example, if a child gets level 4 in English and mathematics at age 11 they "
        "should achieve at least a grade C in these subjects at GCSE.",
        "",
    ),
    (3, "There has been little or no improvement in the school's progression rates over three years.", "no-improvement"),
    (4, "Ofsted ratings have been disappointing given the school's intake and potential.", ""),
    (
        5,
        "There is weak AfL and little meaningful tracking of pupils, leading to a lack of effective early "
        "intervention.",
        "",
    ),
    (
        6,
        "There is a strong focus on achieving threshold targets but progression targets are not ambitious and are "
        "seen as a lower priority.",
        "",
    ),
    (
        7,
        "There may be complacent leadership and relatively inexperienced or uninspiring subject leaders in English "
        "and mathematics.",
        "",
    ),
    (
        8,
        "There may be significant in-school variation in terms of the performance of different groups (for example "
        "pupils eligible for free school meals (FSM)) within the school.",
        "fsm-gap",
    ),
    (9, "The school's Contextual Value Added score is significantly below average.", "cva-below"),
    (
        10,
        "The school has not implemented the Workforce Remodelling Agreement or has not done so appropriately.",
        "",
    ),
]


def add_criteria(apps, schema_editor):
    criterion = apps.get_model("schools", "EligibilityCriterion")
    for number, text, rule in CRITERIA:
        criterion.objects.update_or_create(number=number, defaults={"text": text, "rule": rule})


def remove_criteria(apps, schema_editor):
    apps.get_model("schools", "EligibilityCriterion").objects.filter(number__in=[c[0] for c in CRITERIA]).delete()


class Migration(migrations.Migration):
    dependencies = [("schools", "0002_register_results_eligibility")]
    operations = [migrations.RunPython(add_criteria, remove_criteria)]
