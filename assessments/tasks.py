from celery import shared_task

from assessments.services.attempts import attempts_finalise_expired

# The sweep runs every minute; an expired attempt is also finalised when anyone next touches it.
FINALISE_SOFT_TIME_LIMIT_SECONDS = 50
FINALISE_TIME_LIMIT_SECONDS = 55


@shared_task(
    name="assessments.finalise_expired_attempts",
    soft_time_limit=FINALISE_SOFT_TIME_LIMIT_SECONDS,
    time_limit=FINALISE_TIME_LIMIT_SECONDS,
    ignore_result=True,
)
def finalise_expired_attempts() -> int:
    """Submit every attempt past its deadline. Idempotent: submitting twice changes nothing."""
    return attempts_finalise_expired()
