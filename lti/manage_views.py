"""Instructors' page: placements, the grade delivery log, resend, roster sync; each instructor
sees and acts on the placements of the courses they teach (filtered in SQL)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.api import instructor_required
from courses.api import course_ids_for_staff
from lti import roster
from lti.models import GradeDelivery
from lti.selectors import context_list, delivery_list, delivery_list_recent, link_list
from lti.tasks import send_grade
from quayside import outbox
from quayside.enqueue import enqueue_after_commit


@instructor_required
@require_GET
def links(request: HttpRequest) -> HttpResponse:
    course_ids = course_ids_for_staff(request.user)
    return render(
        request,
        "lti/manage.html",
        {
            "links": link_list(course_ids=course_ids),
            "deliveries": delivery_list_recent(course_ids=course_ids),
        },
    )


@instructor_required
@require_POST
def delivery_resend(request: HttpRequest, delivery_id: int) -> HttpResponse:
    deliveries = delivery_list(course_ids=course_ids_for_staff(request.user))
    delivery = get_object_or_404(deliveries, pk=delivery_id)
    if outbox.delivery_resend(GradeDelivery, delivery_id=delivery.pk):
        enqueue_after_commit(send_grade, delivery.pk)
        messages.success(request, f"Grade delivery {delivery.pk} queued again.")
    else:
        messages.error(request, "That delivery is still waiting to be sent.")
    return redirect("lti:manage")


@instructor_required
@require_POST
def link_send_results(request: HttpRequest, link_id: int) -> HttpResponse:
    link = get_object_or_404(link_list(course_ids=course_ids_for_staff(request.user)), pk=link_id)
    created = roster.link_results_record(link_id=link.pk)
    for delivery_id in created:
        enqueue_after_commit(send_grade, delivery_id)
    messages.success(request, f"{len(created)} new result(s) queued for {link}.")
    return redirect("lti:manage")


@instructor_required
@require_POST
def members_sync(request: HttpRequest, context_id: int) -> HttpResponse:
    contexts = context_list(course_ids=course_ids_for_staff(request.user))
    context = get_object_or_404(contexts, pk=context_id)
    try:
        outcome = roster.members_sync(context_id=context.pk)
    except roster.RosterError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"{outcome.members} member(s) read, {outcome.accounts} active account(s) in Quayside.",
        )
    return redirect("lti:manage")
