"""course: the teaching layer on top of dlcore (syllabus, plots, widgets, checks, tooling)."""

__version__ = "0.1.0"
