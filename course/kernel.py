"""The Jupyter kernel a lesson runs in: which one it asks for, and whether it is installed.

Kernels the course starts itself (``course run``, ``course grade``) talk to it over TCP
encrypted with CurveZMQ keys the kernel manager provisions (:func:`kernel_config`), so
ipykernel has no reason to warn that code and outputs travel in plain text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from course.errors import CourseError

if TYPE_CHECKING:  # nbformat and jupyter_client load only when a command needs them
    import nbformat
    from traitlets.config import Config

#: the kernel every lesson notebook names in its metadata
DEFAULT_KERNEL = "python3"


def kernel_name(nb: nbformat.NotebookNode) -> str:
    """The kernel named in the notebook's ``kernelspec`` metadata (``python3`` when absent)."""
    spec = nb.get("metadata", {}).get("kernelspec", {}) or {}
    return spec.get("name") or DEFAULT_KERNEL


def installed_kernels() -> dict[str, str]:
    """Every installed kernel spec: name -> directory (``jupyter kernelspec list``)."""
    from jupyter_client.kernelspec import KernelSpecManager

    return KernelSpecManager().find_kernel_specs()


def kernel_config() -> Config:
    """The traitlets config for kernel managers the course starts: Curve-encrypted transport.

    ``transport_encryption = "auto"`` makes jupyter_client (8.10 and later) give the kernel
    CurveZMQ keys whenever its kernelspec declares ``supported_encryption: curve`` (ipykernel
    7.4 and later); empty when pyzmq lacks Curve or jupyter_client predates the option.
    """
    import zmq
    from jupyter_client.manager import KernelManager
    from traitlets.config import Config

    if not zmq.has("curve") or not KernelManager.class_traits().get("transport_encryption"):
        return Config()
    return Config({"KernelManager": {"transport_encryption": "auto"}})


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
