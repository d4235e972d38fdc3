"""wrk, the HTTP load generator the HTTP and load benchmarks drive."""

import shutil

import pytest


def wrk_path() -> str:
    path = shutil.which("wrk")
    if path is None:
        pytest.fail(
            "wrk is not installed: bash scripts/install.sh test "
            "$(cat scripts/benchmark-packages.txt)",
            pytrace=False,
        )
    return path
