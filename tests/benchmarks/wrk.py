"""wrk, the HTTP load generator the HTTP and load benchmarks drive."""

from __future__ import annotations

import multiprocessing
import os
import platform
import re
import shutil
import subprocess
from pathlib import Path

import pytest

# Counts anything but a 2xx as an error (wrk itself takes a 3xx for a
# success) and prints one "name value" a line.
LUA = Path(__file__).with_name("wrk_errors.lua")


def wrk_path() -> str:
    path = shutil.which("wrk")
    if path is None:
        pytest.fail(
            "wrk is not installed: bash scripts/install.sh test "
            "$(cat scripts/benchmark-packages.txt)",
            pytrace=False,
        )
    return path


def load(url: str, headers: dict[str, str], args: list[str]) -> dict[str, float]:
    """Load the URL with wrk; return requests, seconds, errors, p50_ms, p99_ms."""
    command = [wrk_path(), *args, "-s", str(LUA)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    result = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    figures = dict(re.findall(r"^(\w+) ([\d.]+)$", result.stdout, re.MULTILINE))
    return {name: float(value) for name, value in figures.items()}


def machine() -> str:
    """The cores, the processor and the load average, to print beside figures."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return f"{multiprocessing.cpu_count()} cores ({cpu}); load average {load_average()}"


def load_average() -> str:
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())
