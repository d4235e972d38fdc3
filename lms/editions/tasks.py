"""Old task path of a queued material edition: remove one release after the move.

A job queued before lms/ was split by concern names
`lms.editions.tasks.build_material_edition`; this name keeps it running.
"""

from lms.materials.editions import build_material_edition

__all__ = ["build_material_edition"]
