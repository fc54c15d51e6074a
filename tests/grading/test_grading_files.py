"""How grading writes its outputs: a regrading replaces them, a symlink is never followed."""

from __future__ import annotations

import pytest

from course.grading.files import overwrite


def test_overwrite_replaces_what_the_file_held(tmp_path):
    path = tmp_path / "grades.csv"
    overwrite(path, b"a much longer first version")
    overwrite(path, b"second")
    assert path.read_bytes() == b"second"


def test_overwrite_never_writes_through_a_symlink(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"kept")
    (tmp_path / "page.html").symlink_to(victim)
    with pytest.raises(OSError):
        overwrite(tmp_path / "page.html", b"written")
    assert victim.read_bytes() == b"kept"
