"""The course's one colour-blind-safe palette (Okabe & Ito, 2008), used by every plot."""

from __future__ import annotations

#: Okabe-Ito colours by name; distinguishable with every common colour-vision deficiency
OKABE_ITO: dict[str, str] = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}

#: the order in which series take colours: strong contrasts first
PALETTE: tuple[str, ...] = (
    OKABE_ITO["blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["yellow"],
    OKABE_ITO["black"],
)

#: class 0 and class 1 of a binary problem (blue vs orange, also distinct in greyscale)
CLASS_COLORS: tuple[str, str] = (OKABE_ITO["blue"], OKABE_ITO["orange"])

#: markers that go with CLASS_COLORS, so classes differ by shape as well as colour
CLASS_MARKERS: tuple[str, str] = ("o", "^")
