from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from schools.selectors import get_school_for_user

from .forms import PriorityForm
from .models import Priority
from .services import priority_save


def priority_list(request, la_code, urn):
    school = get_school_for_user(request, urn)
    return render(
        request,
        "priorities/priority_list.html",
        {
            "school": school,
            "priorities": Priority.objects.filter(school=school),
            "can_edit": request.user.has_perm("priorities.change_priorities", school),
        },
    )


def priority_edit(request, la_code, urn, priority_id=None):
    school = get_school_for_user(request, urn)
    if not request.user.has_perm("priorities.change_priorities", school):
        raise PermissionDenied
    priority = get_object_or_404(Priority, pk=priority_id, school=school) if priority_id else None
    form = PriorityForm(request.POST or None, instance=priority)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        priority_save(actor=request.user, school=school, priority=priority, values=values, request=request)
        messages.success(request, f"Priority “{values['title']}” saved.")
        return redirect("schools:priorities:list", la_code, urn)
    return render(request, "priorities/priority_edit.html", {"school": school, "form": form, "priority": priority})
