"""An export build queued before its task moved to certificates.exports still runs.

A queued job holds its task's dotted path, which the worker imports to run
it: jobs queued by the previous release name certificates.tasks.
"""

from __future__ import annotations

from django.utils.module_loading import import_string
from rq.utils import import_attribute

from certificates.exports import build_certificate_export

OLD_PATH = "certificates.tasks.build_certificate_export"


def test_a_job_queued_under_the_old_path_runs_the_export_task():
    assert import_string(OLD_PATH) is build_certificate_export
    # What the RQ worker itself calls on the job's stored path.
    assert import_attribute(OLD_PATH) is build_certificate_export


def test_new_jobs_name_the_task_where_it_lives():
    assert (
        build_certificate_export.module_path
        == "certificates.exports.build_certificate_export"
    )
