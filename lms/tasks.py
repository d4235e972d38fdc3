"""Task paths of the release before lms/ was split by concern.

A job queued in Redis names its task by dotted path, and a worker of the new
release resolves that path; these names keep such jobs running. Remove this
module (and lms/editions/) one release after the reorganisation, once the
queues hold no job under the old paths.
"""

from lms.lib.emails import send_email
from lms.staff.assignments import refresh_assignments

__all__ = ["refresh_assignments", "send_email"]
