"""The Jupyter kernel a lesson runs in: which one it asks for, and whether it is installed."""

from __future__ import annotations

import nbformat
from jupyter_client.kernelspec import KernelSpecManager

from course.errors import CourseError

#: the kernel every lesson notebook names in its metadata
DEFAULT_KERNEL = "python3"


def kernel_name(nb: nbformat.NotebookNode) -> str:
    """The kernel named in the notebook's ``kernelspec`` metadata (``python3`` when absent)."""
    spec = nb.get("metadata", {}).get("kernelspec", {}) or {}
    return spec.get("name") or DEFAULT_KERNEL


def installed_kernels() -> dict[str, str]:
    """Every installed kernel spec: name -> directory (``jupyter kernelspec list``)."""
    return KernelSpecManager().find_kernel_specs()


def check_kernel(name: str = DEFAULT_KERNEL) -> None:
    """Raise ``CourseError`` unless a kernel called ``name`` is installed.

    The message lists the installed kernels and says how to install the missing one.
    """
    found = installed_kernels()
    if name in found:
        return
    have = ", ".join(sorted(found)) or "none"
    raise CourseError(
        f"the Jupyter kernel {name!r} is not installed (installed kernels: {have}); install it "
        f"with: python -m ipykernel install --user --name {name}"
    )
