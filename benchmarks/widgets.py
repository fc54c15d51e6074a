"""Time each explorer's reaction to each of its controls, in a real Jupyter kernel.

Run: ``python benchmarks/widgets.py [--lessons 04,10] [--repeat 5] [--json FILE]``.

For every lesson that opens an explorer, a kernel is started in the lesson's folder (the
learner's kernel: ipykernel with matplotlib's inline backend), and the lesson's code cells
run in it up to the last cell that opens an explorer, so each explorer is made as the lesson
makes it. Every explorer the lesson displays is recorded. Then, for each of its visible
controls in turn, the control is moved ``--repeat`` times (a slider one step and back, a menu
through its next options, a checkbox off and on, a button clicked with ``click()``), each
move one cell sent by the client; the time counted is the wall time from sending the cell to
the kernel going idle again: the control's observers have run, the new picture has been
drawn and its widget update sent. The table gives the median and the worst move of each
(explorer, control), how many moves redrew a picture or a text, and the time of an empty
cell (the part of every number that is the cell's round trip, not the explorer's).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client.manager import KernelManager

from course import syllabus
from course.kernel import check_kernel, kernel_config, kernel_name

#: every reaction should take less than this
TARGET_SECONDS = 0.5
#: the functions that open an explorer; the lesson runs up to its last cell calling one
OPENERS = re.compile(
    r"\b(interactive_view|perceptron_stepper|playground|forward_explorer|"
    r"learning_rate_explorer|vanishing_dashboard|activation_explorer)\("
)
#: the text a text box is set to, by its description (the box's own value alternates with it)
TEXT_VALUES = {"hidden layers": "4, 4"}

#: run in the kernel before the lesson: records every explorer the lesson displays, finds
#: its controls and moves them
KERNEL_HELPERS = r'''
import json as _bench_json
import math as _bench_math
import time as _bench_time
import ipywidgets as _bench_W
from course.widgets.static import ReaderViewMixin as _BenchMixin

_bench_shown = []
_bench_repr = _BenchMixin._repr_mimebundle_


def _bench_record(self, **kwargs):
    if not any(self is e for e in _bench_shown):
        _bench_shown.append(self)
    return _bench_repr(self, **kwargs)


_BenchMixin._repr_mimebundle_ = _bench_record
_BENCH_TEXT = TEXT_VALUES_LITERAL
_BENCH_SELECT = (_bench_W.Dropdown, _bench_W.RadioButtons, _bench_W.Select,
                 _bench_W.SelectionSlider, _bench_W.ToggleButtons)
_BENCH_NUMBER = (_bench_W.IntSlider, _bench_W.FloatSlider, _bench_W.FloatLogSlider)
_BENCH_KINDS = (*_BENCH_SELECT, *_BENCH_NUMBER, _bench_W.Checkbox, _bench_W.ToggleButton,
                _bench_W.Text, _bench_W.FloatText, _bench_W.IntText, _bench_W.Button)


def _bench_hidden(w):
    return w.layout.display == "none" or w.layout.visibility == "hidden"


def _bench_controls(w, found=None):
    """The visible, enabled controls under w, in the order they are laid out."""
    found = [] if found is None else found
    if _bench_hidden(w):
        return found
    if isinstance(w, _BENCH_KINDS):
        if not w.disabled:
            found.append(w)
    for child in getattr(w, "children", ()):
        _bench_controls(child, found)
    return found


def _bench_outputs(w):
    """The pictures and texts under w: what a move may redraw."""
    out = [w] if isinstance(w, (_bench_W.Image, _bench_W.HTML)) else []
    for child in getattr(w, "children", ()):
        out += _bench_outputs(child)
    return out


_bench_found = []


def _bench_describe():
    """[(explorer class, [control name, ...]), ...] as JSON; the controls are kept."""
    out = []
    for e in _bench_shown:
        names, seen = [], {}
        _bench_found.append(_bench_controls(e))
        for c in _bench_found[-1]:
            name = c.description or type(c).__name__
            seen[name] = seen.get(name, 0) + 1
            names.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
        out.append([type(e).__name__, names])
    print(_bench_json.dumps(out))


def _bench_moves(c, repeat):
    """The values c takes, one per move: a slider one step and back, a menu through its
    next options, a checkbox off and on, a text box to another text and back."""
    if isinstance(c, _bench_W.Button):
        return [None] * repeat
    if isinstance(c, _BENCH_SELECT):
        n, i = len(c.options), c.index
        return [("index", (i + 1 + k) % n) for k in range(repeat)]
    v = c.value
    if isinstance(c, (_bench_W.Checkbox, _bench_W.ToggleButton)):
        other = not v
    elif isinstance(c, _bench_W.FloatLogSlider):
        exponent = _bench_math.log(v, c.base)
        step = c.step if exponent + c.step <= c.max else -c.step
        other = c.base ** (exponent + step)
    elif isinstance(c, _BENCH_NUMBER):
        other = v + c.step if v + c.step <= c.max else v - c.step
    elif isinstance(c, _bench_W.Text):
        other = _BENCH_TEXT.get(c.description, v + " ")
        other = other if other != v else "2"
    else:  # a number box
        other = v + 1
    return [("value", other if k % 2 == 0 else v) for k in range(repeat)]


_bench_plan = {}


def _bench_prepare(e, k, repeat):
    """Before timing control k of explorer e: its moves, and the outputs now shown."""
    explorer = _bench_shown[e]
    control = _bench_found[e][k]
    outputs = _bench_outputs(explorer)
    _bench_plan.update(control=control, moves=_bench_moves(control, repeat),
                       start=getattr(control, "value", None), outputs=outputs,
                       redrawn=0, cpu=[])


def _bench_move(m):
    """Move m of the prepared control (the cell that is timed)."""
    control, move = _bench_plan["control"], _bench_plan["moves"][m]
    before = [output.value for output in _bench_plan["outputs"]]
    cpu = _bench_time.process_time()
    if move is None:
        control.click()
    else:
        setattr(control, *move)
    _bench_plan["cpu"].append(_bench_time.process_time() - cpu)
    after = [output.value for output in _bench_plan["outputs"]]
    _bench_plan["redrawn"] += any(a != b for a, b in zip(after, before))


def _bench_finish():
    """Put the control back as it was (not a button); print how many moves redrew and
    the kernel's CPU seconds of each move."""
    control = _bench_plan["control"]
    if not isinstance(control, _bench_W.Button) and control.value != _bench_plan["start"]:
        control.value = _bench_plan["start"]
    print(_bench_json.dumps([_bench_plan["redrawn"], _bench_plan["cpu"]]))
'''.replace("TEXT_VALUES_LITERAL", repr(TEXT_VALUES))


class Kernel:
    """A kernel started in ``folder`` and a blocking client to run cells in it."""

    def __init__(self, name: str, folder: Path) -> None:
        env = {k: v for k, v in os.environ.items() if k != "COURSE_STATIC_EXPLORERS"}
        self.manager = KernelManager(kernel_name=name, config=kernel_config())
        self.manager.start_kernel(cwd=str(folder), env=env)
        self.client = self.manager.blocking_client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=120)

    def run(self, code: str, timeout: float = 600) -> str:
        """Run ``code``; its standard output, or RuntimeError with the kernel's error."""
        out: list[str] = []

        def hook(msg: dict[str, Any]) -> None:
            if msg["msg_type"] == "stream" and msg["content"]["name"] == "stdout":
                out.append(msg["content"]["text"])

        reply = self.client.execute_interactive(code, timeout=timeout, output_hook=hook)
        if reply["content"]["status"] != "ok":
            content = reply["content"]
            raise RuntimeError(f"{content.get('ename')}: {content.get('evalue')}")
        return "".join(out)

    def timed(self, code: str) -> float:
        """Seconds from sending ``code`` to the kernel's reply, once it is idle again."""
        start = time.perf_counter()
        self.run(code)
        return time.perf_counter() - start

    def close(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


def lesson_cells(path: Path) -> list[str]:
    """The lesson's code cells up to its last one that opens an explorer (none: [])."""
    cells = [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    last = max((i for i, source in enumerate(cells) if OPENERS.search(source)), default=-1)
    return cells[: last + 1]


def time_lesson(path: Path, repeat: int) -> tuple[float, list[dict[str, Any]]]:
    """The empty cell's seconds and one row per (explorer, control) of the lesson."""
    nb = nbformat.read(path, as_version=4)
    check_kernel(kernel_name(nb))
    kernel = Kernel(kernel_name(nb), path.parent)
    rows = []
    try:
        kernel.run(KERNEL_HELPERS)
        for source in lesson_cells(path):
            kernel.run(source)
        empty = statistics.median(kernel.timed("pass") for _ in range(5))
        explorers = json.loads(kernel.run("_bench_describe()"))
        for e, (kind, controls) in enumerate(explorers):
            for k, control in enumerate(controls):
                kernel.run(f"_bench_prepare({e}, {k}, {repeat})")
                seconds = [kernel.timed(f"_bench_move({m})") for m in range(repeat)]
                redrawn, cpu = json.loads(kernel.run("_bench_finish()"))
                rows.append(
                    {
                        "lesson": path.stem,
                        "explorer": kind if len(explorers) == 1 else f"{kind} #{e + 1}",
                        "control": control,
                        "median_s": statistics.median(seconds),
                        "max_s": max(seconds),
                        "seconds": seconds,
                        "cpu_median_s": statistics.median(cpu),
                        "cpu_seconds": cpu,
                        "redrawn": redrawn,
                        "moves": repeat,
                    }
                )
    finally:
        kernel.close()
    return empty, rows


def markdown(rows: list[dict[str, Any]]) -> str:
    """The rows as a markdown table."""
    lines = [
        "| lesson | explorer | control | median s | max s | CPU s | redrew | verdict |",
        "|---|---|---|---:|---:|---:|---|---|",
    ]
    for r in rows:
        verdict = "ok" if r["max_s"] < TARGET_SECONDS else f"SLOW (target < {TARGET_SECONDS} s)"
        redrew = f"{r['redrawn']}/{r['moves']}"
        lines.append(
            f"| {r['lesson'][:2]} | {r['explorer']} | {r['control']} | {r['median_s']:.3f} "
            f"| {r['max_s']:.3f} | {r['cpu_median_s']:.3f} | {redrew} | {verdict} |"
        )
    return "\n".join(lines)


def main() -> None:
    """Print the table of reactions (and write it as JSON with ``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=None, help="course root (default: installed)")
    parser.add_argument("--lessons", default="", help="lesson ids, e.g. 04,10 (default: all)")
    parser.add_argument("--repeat", type=int, default=5, help="moves of each control")
    parser.add_argument("--json", type=Path, default=None, help="also write the rows here")
    args = parser.parse_args()
    root = args.root.resolve() if args.root else syllabus.course_root()
    wanted = {s.strip().zfill(2) for s in args.lessons.split(",") if s.strip()}
    print(f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs")
    rows, empties = [], {}
    for lesson in syllabus.ready(root):
        path = root / lesson.notebook
        if (wanted and lesson.id not in wanted) or not lesson_cells(path):
            continue
        print(f"{path.stem} ...", file=sys.stderr, flush=True)
        try:
            empties[path.stem], lesson_rows = time_lesson(path, max(1, args.repeat))
        except RuntimeError as exc:  # a lesson cell failed: the others are still timed
            print(f"{path.stem}: FAILED: {exc}", file=sys.stderr, flush=True)
            continue
        rows += lesson_rows
    print(markdown(rows))
    if empties:
        print(f"\nan empty cell: {statistics.median(empties.values()):.3f} s (median by lesson)")
    if args.json:
        args.json.write_text(json.dumps({"empty_cell_s": empties, "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
