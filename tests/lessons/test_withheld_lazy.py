"""``withheld`` imports no module: a name whose module is not imported yet is swapped by its
import hook once the answer imports that module, and ``restore`` undoes that swap too.

Each test runs in a fresh interpreter, so that SciPy and torch are not imported before it.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

PRELUDE = """\
import sys
from course.exercises.calls import WITHHELD, withheld

def raises_withheld(name, call):
    try:
        call()
    except RuntimeError as exc:
        return f"{name} {WITHHELD}" in str(exc)
    return False

def loaded(package):
    return sorted(m for m in sys.modules if m == package or m.startswith(package + "."))
"""


def run(body: str) -> None:
    """Run ``body`` after :data:`PRELUDE` in a fresh interpreter; its asserts must hold."""
    done = subprocess.run(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(body)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr


def test_a_name_whose_module_is_not_imported_imports_nothing():
    run("""
        assert loaded("scipy") == []
        restore = withheld(["scipy.special.softmax"])
        assert loaded("scipy") == []
        restore()
        assert loaded("scipy") == []
    """)


def test_an_answer_importing_the_module_gets_the_stand_in_and_the_modules_other_functions():
    run("""
        restore = withheld(["scipy.special.softmax"])
        try:
            import scipy.special
            from scipy.special import softmax
            assert raises_withheld("scipy.special.softmax", lambda: scipy.special.softmax([0, 0]))
            assert raises_withheld("scipy.special.softmax", lambda: softmax([0.0, 0.0]))
            assert scipy.special.expit(0.0) == 0.5
            assert abs(scipy.special.logsumexp([0.0, 0.0]) - 0.6931471805599453) < 1e-12
        finally:
            restore()
    """)


def test_a_module_reached_through_its_imported_package_gets_the_stand_in():
    """SciPy imports ``scipy.special`` on first access to the attribute (its ``__getattr__``):
    the hook sees that import too."""
    run("""
        import scipy
        restore = withheld(["scipy.special.softmax"])
        assert "scipy.special" not in sys.modules
        try:
            assert raises_withheld("scipy.special.softmax", lambda: scipy.special.softmax([0, 0]))
        finally:
            restore()
        assert list(scipy.special.softmax([0.0, 0.0])) == [0.5, 0.5]
    """)


def test_after_an_answer_that_raised_restore_puts_the_function_back_and_removes_the_hook():
    run("""
        def answer():
            import scipy.special
            assert raises_withheld("scipy.special.softmax", lambda: scipy.special.softmax([0]))
            raise ValueError("the learner's slip")

        finders = list(sys.meta_path)
        restore = withheld(["scipy.special.softmax"])
        assert len(sys.meta_path) == len(finders) + 1
        try:
            answer()
        except ValueError:
            pass
        finally:
            restore()
        assert sys.meta_path == finders
        import scipy.special
        from scipy.special import softmax
        assert list(scipy.special.softmax([0.0, 0.0])) == [0.5, 0.5]
        assert list(softmax([0.0, 0.0])) == [0.5, 0.5]
    """)


def test_an_answer_importing_torch_gets_the_stand_ins_and_the_rest_of_torch():
    run("""
        finders = list(sys.meta_path)
        restore = withheld(["torch.softmax", "torch.nn.functional.softmax"])
        assert loaded("torch") == []
        try:
            import torch
            import torch.nn.functional as F
            z = torch.tensor([0.0, 0.0])
            assert raises_withheld("torch.softmax", lambda: torch.softmax(z, 0))
            assert raises_withheld("torch.nn.functional.softmax", lambda: F.softmax(z, 0))
            assert torch.log_softmax(z, 0).exp().tolist() == [0.5, 0.5]
            assert F.relu(torch.tensor([-1.0, 2.0])).tolist() == [0.0, 2.0]
        finally:
            restore()
        assert sys.meta_path == finders
        assert torch.softmax(z, 0).tolist() == [0.5, 0.5]
        assert F.softmax(z, 0).tolist() == [0.5, 0.5]
    """)


def test_a_method_of_a_class_in_a_module_imported_during_the_call_gets_the_stand_in():
    run("""
        finders = list(sys.meta_path)
        restore = withheld(["torch.Tensor.softmax"])
        assert loaded("torch") == []
        try:
            import torch
            z = torch.tensor([0.0, 0.0])
            assert raises_withheld("torch.Tensor.softmax", lambda: z.softmax(0))
            assert z.log_softmax(0).exp().tolist() == [0.5, 0.5]
        finally:
            restore()
        assert sys.meta_path == finders
        assert "softmax" not in vars(torch.Tensor)  # inherited from TensorBase, as before
        assert z.softmax(0).tolist() == [0.5, 0.5]
    """)


def test_a_name_whose_module_is_imported_is_swapped_at_once():
    """Before the answer runs, and under a name taken earlier too."""
    run("""
        import scipy.special
        import torch
        from scipy.special import softmax
        z = torch.tensor([0.0, 0.0])
        restore = withheld(["scipy.special.softmax", "torch.softmax", "torch.Tensor.softmax"])
        try:
            assert raises_withheld("scipy.special.softmax", lambda: softmax([0.0, 0.0]))
            assert raises_withheld("torch.softmax", lambda: torch.softmax(z, 0))
            assert raises_withheld("torch.Tensor.softmax", lambda: z.softmax(0))
        finally:
            restore()
        assert list(softmax([0.0, 0.0])) == [0.5, 0.5]
        assert torch.softmax(z, 0).tolist() == z.softmax(0).tolist() == [0.5, 0.5]
    """)
