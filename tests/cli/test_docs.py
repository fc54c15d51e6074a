"""The maintainer's documents name what exists: every path, module and command they cite."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

import dlcore

ROOT = Path(__file__).resolve().parents[2]
DOCS = ("ARCHITECTURE.md", "CONTRIBUTING.md", "CHANGELOG.md")


def cited_paths(text: str) -> set[str]:
    """Paths in backticks that look like files or folders of the repository."""
    found = set()
    for ref in re.findall(r"`([^`\s]+)`", text):
        ref = ref.split("::")[0].rstrip(",.")
        placeholder = re.search(r"NN|[A-Z]{3,}", ref)  # notebooks/NN_slug.ipynb, FILE
        if re.fullmatch(r"(\.?[\w-]+/)+[\w.*-]*", ref) and not placeholder:
            found.add(ref)
    return found


@pytest.mark.parametrize("name", DOCS)
def test_every_path_a_document_cites_exists(name):
    text = (ROOT / name).read_text(encoding="utf-8")
    missing = []
    for ref in sorted(cited_paths(text)):
        base = ROOT / ref if (ROOT / ref).exists() or "*" in ref else ROOT / "course" / ref
        if not (list(ROOT.glob(ref)) if "*" in ref else base.exists()):
            missing.append(ref)
    assert missing == [], f"{name} cites what does not exist"


def exists(dotted: str) -> bool:
    """``dotted`` is a module, or an attribute of one (``dlcore.__version__``)."""
    if importlib.util.find_spec(dotted) is not None:
        return True
    module, _, name = dotted.rpartition(".")
    return hasattr(importlib.import_module(module), name)


@pytest.mark.parametrize("name", DOCS)
def test_every_module_a_document_cites_exists(name):
    text = (ROOT / name).read_text(encoding="utf-8")
    cited = set(re.findall(r"`((?:course|dlcore)(?:\.\w+)+)`", text))
    assert [m for m in sorted(cited) if not exists(m)] == []
    assert cited or name != "ARCHITECTURE.md", "the architecture page names no module"


def test_the_changelog_starts_with_unreleased_and_names_the_version():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, flags=re.M)
    assert headings[0] == "Unreleased"
    assert any(h.startswith(dlcore.__version__) for h in headings)
