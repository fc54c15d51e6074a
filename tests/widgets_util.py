"""Pictures of the explorers compared: a redrawn figure must show what a fresh one shows."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

#: antialiased edges may differ this much (of 255) where constrained layout's positions
#: differ in the last digits between a figure laid out once and one laid out again
EDGE_TOLERANCE = 48
#: and at most this fraction of the pixels may differ by more than FAINT of 255
DIFFERENT_FRACTION = 0.002
FAINT = 8


def pixels(png: bytes) -> np.ndarray:
    """The picture's RGBA pixels."""
    return np.asarray(Image.open(io.BytesIO(bytes(png))).convert("RGBA"), dtype=int)


def assert_same_picture(redrawn: bytes, fresh: bytes) -> None:
    """The two PNG pictures have the same size and, but for antialiased edges, the same
    pixels."""
    a, b = pixels(redrawn), pixels(fresh)
    assert a.shape == b.shape, f"picture sizes differ: {a.shape} vs {b.shape}"
    diff = np.abs(a - b).max(axis=-1)
    assert diff.max() <= EDGE_TOLERANCE, f"pixels differ by up to {diff.max()} of 255"
    seen = np.mean(diff > FAINT)
    assert seen <= DIFFERENT_FRACTION, f"{seen:.2%} of the pixels differ by more than {FAINT}"
