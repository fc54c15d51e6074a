"""The one error type the ``course`` command reports as a clear message, not a traceback."""


class CourseError(Exception):
    """A problem the user can fix: an unknown lesson, a bad parameter, a missing kernel."""
