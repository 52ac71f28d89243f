import logging
import os
from typing import Any

from celery import Celery, Task
from django.core.exceptions import ObjectDoesNotExist

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quayside.settings")

logger = logging.getLogger(__name__)


class VanishedObjectEndsQuietly(Task):
    """Base of every Quayside task. Tasks take ids; when the learner, attempt, submission or
    certificate an id names was deleted after the job was queued, the job has nothing left to
    do: it ends with one log line, not a traceback, and is not retried."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except ObjectDoesNotExist as error:
            logger.warning(
                "%s%s ends: %s (deleted after the job was queued; nothing to do)",
                self.name,
                args or kwargs or "()",
                error,
            )
            return None


app = Celery("quayside", task_cls=VanishedObjectEndsQuietly)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
