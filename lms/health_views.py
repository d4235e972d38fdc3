"""The health check that load balancers and monitors poll."""

import logging

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from lms.health import health

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the database, cache and queue all work, else 503."""
    report = health()
    if report["status"] == "ok":
        return JsonResponse(report)
    down = [name for name, check in report["checks"].items() if not check["ok"]]
    logger.warning("Health check failed: %s", ", ".join(down))
    response = JsonResponse(report, status=503)
    # The warning above says which service is down; Django's own error line
    # for every 503 would repeat it on each probe.
    response._has_been_logged = True
    return response
