"""Every exercise check: a right answer passes, a wrong one is named, a stub is told so,
and a failure shows its message, not a traceback through ``course.checks``.

The cases (check, right answer, typical wrong answer, the case the message must name) live
beside each lesson's own check tests.
"""

import importlib
import re
from pathlib import Path

import nbformat
import pytest

from course.checks import check_weighted_sum
from course.checks._core import CheckFailed


def stub(*args):
    raise NotImplementedError()


#: every lesson's cases, from tests/lessons/test_checks_lessonNN.py (each defines a ``CHECKS`` list)
CHECKS = [
    case
    for path in sorted(Path(__file__).parent.glob("test_checks_lesson*.py"))
    for case in importlib.import_module(path.stem).CHECKS
]
IDS = [check.__name__ for check, *_ in CHECKS]


@pytest.mark.parametrize(("check", "right", "wrong", "case"), CHECKS, ids=IDS)
def test_a_correct_answer_passes_with_a_success_line(check, right, wrong, case, capsys):
    check(right)
    assert capsys.readouterr().out.startswith("\u2714 ")


@pytest.mark.parametrize(("check", "right", "wrong", "case"), CHECKS, ids=IDS)
def test_a_wrong_answer_fails_naming_the_first_wrong_case(check, right, wrong, case):
    with pytest.raises(AssertionError) as info:
        check(wrong)
    message = str(info.value)
    assert case in message
    assert "expected" in message and "got" in message
    assert "Hint:" in message


@pytest.mark.parametrize(("check", "right", "wrong", "case"), CHECKS, ids=IDS)
def test_a_stub_fails_saying_it_is_a_stub(check, right, wrong, case):
    with pytest.raises(AssertionError, match="still a stub"):
        check(stub)


def _plain(lines: list[str]) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(lines))


@pytest.mark.parametrize(("check", "right", "wrong", "case"), CHECKS, ids=IDS)
def test_a_failing_check_renders_as_its_message_without_a_traceback(check, right, wrong, case):
    with pytest.raises(CheckFailed) as info:
        check(wrong)
    shown = _plain(info.value._render_traceback_())
    first, *rest = str(info.value).splitlines()
    assert shown.startswith(f"\u2718 {first}")
    assert all(line in shown for line in rest), "the hint is shown"
    assert "Traceback" not in shown and "course/checks" not in shown


def test_a_crash_in_the_learners_code_shows_their_frames_only():
    def weighted_sum(x, w, b):
        return x[5]

    with pytest.raises(CheckFailed) as info:
        check_weighted_sum(weighted_sum)
    shown = _plain(info.value._render_traceback_())
    assert "raised IndexError" in shown.splitlines()[0]
    assert "in weighted_sum" in shown and "return x[5]" in shown
    assert "course/checks" not in shown


def test_a_stub_is_told_so_without_the_stubs_own_traceback():
    with pytest.raises(CheckFailed) as info:
        check_weighted_sum(stub)
    assert _plain(info.value._render_traceback_()).splitlines() == [
        "\u2718 " + str(info.value).splitlines()[0]
    ]


CELL = """from course.checks import check_weighted_sum

def weighted_sum(x, w, b):
    return float(sum(x) + b)  # forgets the weights

check_weighted_sum(weighted_sum)
"""


def test_in_a_notebook_the_error_output_is_the_message_not_a_traceback(python3_kernel, tmp_path):
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CELL)])
    NotebookClient(nb, allow_errors=True, kernel_name=python3_kernel).execute()
    (error,) = [o for o in nb.cells[0].outputs if o.output_type == "error"]
    shown = _plain(error.traceback)
    assert error.ename == "CheckFailed"
    message = "weighted_sum(x=[1.0, 2.0], w=[0.5, -1.0], b=0.5): expected -1.0, got 3.5"
    assert shown.startswith(f"\u2718 {message}")
    assert "Hint: multiply each x_i by its w_i" in shown
    assert "course/checks" not in shown and "Traceback" not in shown
