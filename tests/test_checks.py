"""Every exercise check: a right answer passes, a wrong one is named, a stub is told so.

The cases (check, right answer, typical wrong answer, the case the message must name) live
beside each lesson's own check tests.
"""

import pytest
from test_checks_lesson01_02 import CHECKS as LESSON01_02
from test_checks_lesson03 import CHECKS as LESSON03
from test_checks_lesson04 import CHECKS as LESSON04


def stub(*args):
    raise NotImplementedError()


CHECKS = LESSON01_02 + LESSON03 + LESSON04
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
