"""The switch between the live lessons and the static book's: one environment variable.

``course book`` executes the lessons with ``COURSE_STATIC_EXPLORERS=1``; the explorers
(``course.widgets``) then display their reader views, precomputed states a page switches
between with no kernel. Both halves of ``course`` read the switch from here.
"""

from __future__ import annotations

import os

#: set to "1" by ``course book``: explorers display their precomputed reader view
STATIC_ENV = "COURSE_STATIC_EXPLORERS"


def static_pages() -> bool:
    """Whether explorers are being drawn for the static book (``COURSE_STATIC_EXPLORERS=1``)."""
    return os.environ.get(STATIC_ENV) == "1"
