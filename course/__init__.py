"""course: the teaching layer on top of dlcore (syllabus, plots, widgets, checks, tooling)."""

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    """``course.__version__`` is ``dlcore.__version__``, the one version of the distribution,
    imported when first asked for (so ``course --help`` imports neither dlcore nor NumPy)."""
    if name == "__version__":
        from dlcore import __version__

        return __version__
    raise AttributeError(f"module 'course' has no attribute {name!r}")
