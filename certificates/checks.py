"""System checks for what certificate PDFs need from the operating system."""

from __future__ import annotations

import ctypes.util
from collections.abc import Sequence

from django.apps import AppConfig
from django.core import checks

HARFBUZZ_SUBSET_MISSING = "certificates.W001"


@checks.register(checks.Tags.compatibility)
def check_harfbuzz_subset(
    app_configs: Sequence[AppConfig] | None = None, **kwargs
) -> list[checks.CheckMessage]:
    """Warn when WeasyPrint has to subset fonts without libharfbuzz-subset."""
    if ctypes.util.find_library("harfbuzz-subset"):
        return []
    return [
        checks.Warning(
            "The HarfBuzz subsetting library (libharfbuzz-subset) is missing.",
            hint=(
                "WeasyPrint then subsets the fonts it embeds with fontTools, "
                "which makes each certificate PDF page 5-7 times slower to "
                "render. On Debian or Ubuntu, install it with: "
                "apt-get install libharfbuzz-subset0"
            ),
            id=HARFBUZZ_SUBSET_MISSING,
        )
    ]
