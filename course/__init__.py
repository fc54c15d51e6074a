"""course: the teaching layer on top of dlcore (syllabus, plots, widgets, checks, tooling)."""

from dlcore import __version__  # one version for the whole distribution

__all__ = ["__version__"]
