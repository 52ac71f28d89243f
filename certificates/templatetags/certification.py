"""`{% load certification %}{% certification_standing %}`: the standing partial for any page.

Lets the learner dashboard show certification progress without its view knowing this app.
"""

from typing import Any

from django import template

from certificates.selectors import certification_standings_for_learner

register = template.Library()


@register.inclusion_tag("certificates/_standing.html", takes_context=True)
def certification_standing(context: template.Context) -> dict[str, Any]:
    user = context["request"].user
    if not user.is_authenticated:
        return {"standings": []}
    return {"standings": certification_standings_for_learner(learner_id=user.pk)}
