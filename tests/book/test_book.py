"""The Jupyter Book: its contents follow the syllabus, its pages need no network, and it is
the reader edition (answers folded, nothing hidden shown) whose downloads are the learner's."""

from __future__ import annotations

import html as html_lib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
import yaml
from browser_util import EXAMPLE_URL, ROOT, built_book

from course import syllabus
from course.book import (
    ASSET_DIR,
    ASSETS,
    SOURCE_DIR,
    copy_assets,
    publish_downloads,
    toc_text,
    write_sources,
)
from course.book_extension import setup
from course.editions import (
    RAISES_TAG,
    SHOW_SOLUTION,
    has_markers,
    is_solution_cell,
    is_test_cell,
    learner_edition,
    read_notebook,
    reveal_solution,
)
from course.errors import CourseError
from course.publish import learner_path

READY = syllabus.ready(ROOT)
#: terms of the notes the glossary must define (case-insensitive)
NOTES_TERMS = (
    "perceptron", "weight", "bias", "activation function", "step function", "sigmoid", "ReLU",
    "softmax", "loss", "cross-entropy", "backpropagation", "chain rule", "gradient descent",
    "learning rate", "global minimum", "epoch", "vanishing gradient", "CNN", "RNN", "LSTM",
    "GRU", "Transformer", "YOLO", "overfitting",
)  # fmt: skip


class _Tags(HTMLParser):
    """Collects start tags as (tag, attributes) pairs."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def tags(path: Path) -> list[tuple[str, dict[str, str]]]:
    parser = _Tags()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.tags


def lesson_page(html: Path, lesson: syllabus.Lesson) -> Path:
    return html / Path(lesson.notebook).with_suffix(".html")


def page_text(path: Path) -> str:
    """The text of a built page: tags removed (code is split into highlighting spans)."""
    body = re.sub(r"<script\b.*?</script>", "", path.read_text(encoding="utf-8"), flags=re.S)
    return html_lib.unescape(re.sub(r"<[^>]+>", "", body))


def hidden_test_lines(nb) -> set[str]:
    """Lines that occur only between BEGIN and END HIDDEN TESTS in ``nb``."""
    inside, outside = set(), set()
    for cell in nb.cells:
        in_region = False
        for raw in cell.source.splitlines():
            line = raw.strip()
            if "### BEGIN HIDDEN TESTS" in line:
                in_region = True
            elif "### END HIDDEN TESTS" in line:
                in_region = False
            elif line and not line.startswith("#"):
                (inside if in_region else outside).add(line)
    return inside - outside


def toc_lessons(text: str) -> list[str]:
    """The files of the toc's "Lessons" part, in order."""
    parts = yaml.safe_load(text)["parts"]
    (lessons,) = [part for part in parts if part["caption"] == "Lessons"]
    return [chapter["file"] for chapter in lessons["chapters"]]


# ------------------------------------------------------------------ sources (no build)


def test_committed_toc_lists_the_ready_lessons_in_syllabus_order():
    text = (ROOT / "book" / "_toc.yml").read_text(encoding="utf-8")
    expected = [Path(lesson.notebook).with_suffix("").as_posix() for lesson in READY]
    assert toc_lessons(text) == expected, "run `course book` to update book/_toc.yml"
    assert text == toc_text(READY)


def test_toc_text_lists_exactly_the_lessons_given_between_intro_and_back_matter():
    lessons = [syllabus.LESSONS[2], syllabus.LESSONS[0]]
    toc = yaml.safe_load(toc_text(lessons))
    assert toc["format"] == "jb-book" and toc["root"] == "book/intro"
    assert toc_lessons(toc_text(lessons)) == ["notebooks/03_perceptron", "notebooks/01_ai-ml-dl"]
    pages = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    for page in (toc["root"], *pages):
        path = ROOT / page
        assert path.with_suffix(".md").is_file() or path.with_suffix(".ipynb").exists(), page


def test_intro_syllabus_table_matches_the_syllabus():
    text = (ROOT / "book" / "intro.md").read_text(encoding="utf-8")
    block = text.split("<!-- syllabus:start", 1)[1].split("<!-- syllabus:end -->", 1)[0]
    rows = [re.match(r"\| (\d\d) \| ([^|]+) \|", line) for line in block.splitlines()]
    found = [(m.group(1), m.group(2).strip()) for m in rows if m]
    assert found == [(lesson.id, lesson.title) for lesson in syllabus.LESSONS]


def test_glossary_defines_every_term_of_the_notes_once():
    text = (ROOT / "book" / "glossary.md").read_text(encoding="utf-8")
    body = text.split("```{glossary}", 1)[1].split("```", 1)[0]
    terms = [line.strip() for line in body.splitlines() if line and not line.startswith((" ", ":"))]
    lowered = [term.lower() for term in terms]
    assert len(set(lowered)) == len(lowered), "a term is defined twice"
    missing = [term for term in NOTES_TERMS if term.lower() not in lowered]
    assert not missing, f"glossary lacks: {missing}"


def test_config_points_math_and_widgets_at_local_assets():
    config = yaml.safe_load((ROOT / "book" / "_config.yml").read_text(encoding="utf-8"))
    sphinx = config["sphinx"]["config"]
    assert sphinx["html_static_path"] == [f"book/{ASSET_DIR}"]
    local = [sphinx["mathjax_path"], *sphinx["nb_ipywidgets_js"]]
    assert all("://" not in path for path in local)
    # each script is a file of the copied assets (the folder's name, then the path inside)
    names = {name.split("/")[0] for name in ASSETS}
    assert {path.split("/")[0] for path in local} <= names
    assert (
        "://"
        not in sphinx["nb_ipywidgets_js"]["html-manager/embed-amd.js"]["data-jupyter-widgets-cdn"]
    )
    assert config["execute"]["execute_notebooks"] == "force"
    assert config["only_build_toc_files"] is True


def test_copy_assets_without_npm_install_names_the_fix(tmp_path):
    with pytest.raises(CourseError, match="npm ci"):
        copy_assets(tmp_path)


class ExtensionApp:
    """What the book's extension asks of Sphinx's app: the handler it connects to each event."""

    def __init__(self) -> None:
        self.handlers: dict[str, object] = {}

    def add_js_file(self, *args, **kwargs) -> None:
        pass

    def connect(self, event, handler, priority=500) -> None:
        self.handlers[event] = handler


def test_duplicate_inline_scripts_are_dropped_from_a_page():
    """Sphinx 7.4 lists late-registered inline scripts twice (None and "" as names)."""
    from sphinx.builders.html._assets import _JavaScript

    app = ExtensionApp()
    setup(app)
    body = "const X = 1"
    scripts = [_JavaScript(None, body=body), _JavaScript("a.js"), _JavaScript("", body=body)]
    context = {"script_files": scripts}
    app.handlers["html-page-context"](app, "page", "page.html", context, None)
    assert [(js.filename, js.attributes.get("body")) for js in scripts] == [
        (None, body),
        ("a.js", None),
    ]


class MystNbLog:
    """The logger myst-nb gives an execution client (Sphinx's, with a ``subtype``)."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def info(self, msg: str, **kwargs) -> None:
        self.lines.append(msg)

    warning = error = debug = info


def run_lesson_as_the_book_does(folder: Path) -> str:
    """Execute a one-cell lesson through myst-nb's client for ``execute_notebooks: force``
    (the book's execute settings); returns what its kernel wrote on stderr, as Sphinx sees."""
    from myst_nb.core.config import NbParserConfig
    from myst_nb.core.execute import create_client
    from nbformat.v4 import new_code_cell, new_notebook

    path = folder / "lesson.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("print(6 * 7)")]), path)
    config = NbParserConfig(execution_mode="force", execution_in_temp=False)
    log = MystNbLog()
    with create_client(nbformat.read(path, as_version=4), str(path), config, log) as client:
        assert client.exec_metadata["succeeded"], log.lines
        assert client.notebook.cells[0].outputs[0]["text"] == "42\n"
    return "\n".join(log.lines)


def test_the_books_kernels_run_encrypted(tmp_path, monkeypatch, capfd, python3_kernel):
    """ipykernel warns "running over TCP without encryption" unless the kernel manager gives
    it CurveZMQ keys; the book's extension makes myst-nb's kernels get them (12 such
    warnings per build otherwise)."""
    from myst_nb.core.execute import direct

    monkeypatch.setattr(direct, "single_nb_execution", direct.single_nb_execution)  # restored
    run_lesson_as_the_book_does(tmp_path)
    assert "without encryption" in capfd.readouterr().err  # myst-nb alone: the warning
    app = ExtensionApp()
    setup(app)
    app.handlers["builder-inited"](app)
    run_lesson_as_the_book_does(tmp_path)
    err = capfd.readouterr().err
    assert "without encryption" not in err, err


def test_write_sources_writes_the_reader_edition_in_the_repositorys_layout(course_root):
    (course_root / "book").mkdir()
    (course_root / "book" / "intro.md").write_text("# Intro\n", encoding="utf-8")
    (course_root / "book" / "_toc.yml").write_text("format: jb-book\n", encoding="utf-8")
    (course_root / "book" / "package.json").write_text("{}", encoding="utf-8")
    (course_root / "book" / ASSET_DIR).mkdir()
    lessons = syllabus.ready(course_root)
    stage = write_sources(course_root, lessons)
    assert stage == course_root / SOURCE_DIR
    assert sorted(p.name for p in (stage / "book").iterdir()) == sorted(
        ["_toc.yml", ASSET_DIR, "intro.md"]
    )
    assert (stage / "book" / ASSET_DIR).resolve() == (course_root / "book" / ASSET_DIR).resolve()
    (lesson,) = lessons
    reader = read_notebook(stage / lesson.notebook)
    assert not any(has_markers(c.source) or "nbgrader" in c.metadata for c in reader.cells)
    text = "\n".join(c.source for c in reader.cells)
    assert "result = SCALE * x" in text, "the answer is kept"
    assert "assert scale(-1)" not in text, "the hidden test is gone"
    (folded,) = [c for c in reader.cells if "hide-input" in c.metadata.get("tags", [])]
    assert folded.metadata["mystnb"]["code_prompt_show"] == SHOW_SOLUTION
    (stage / "stale.txt").write_text("old", encoding="utf-8")
    write_sources(course_root, lessons)
    assert not (stage / "stale.txt").exists(), "each build starts from fresh sources"


def test_publish_downloads_replaces_each_download_by_the_learner_edition(course_root, tmp_path):
    lessons = syllabus.ready(course_root)
    html = tmp_path / "html"
    with pytest.raises(CourseError, match="has no download"):
        publish_downloads(course_root, html, lessons)
    (lesson,) = lessons
    (html / "_sources" / lesson.notebook).parent.mkdir(parents=True)
    (html / "_sources" / lesson.notebook).write_text("the reader edition", encoding="utf-8")
    publish_downloads(course_root, html, lessons)
    download = read_notebook(html / "_sources" / lesson.notebook)
    expected = learner_edition(read_notebook(course_root / lesson.notebook))
    assert download.cells == expected.cells


# ------------------------------------------------------------------ the built book


@pytest.fixture(scope="module")
def html() -> Path:
    return built_book()


@pytest.mark.book
def test_built_book_navigation_lists_the_ready_lessons_in_order(html):
    hrefs = [
        a["href"] for tag, a in tags(html / "book" / "intro.html") if tag == "a" and "href" in a
    ]
    lessons = [h for h in hrefs if re.match(r"(\.\./)?notebooks/\d\d_[a-z0-9-]+\.html$", h)]
    found = list(dict.fromkeys(Path(h).stem for h in lessons))
    assert found == [Path(lesson.notebook).stem for lesson in READY]


@pytest.mark.book
def test_static_assets_are_in_the_output(html):
    static = html / "_static"
    for path in ("mathjax/tex-chtml.js", "html-manager/embed-amd.js", "requirejs/require.js"):
        assert (static / path).is_file(), path
    assert list((static / "mathjax/output/chtml/fonts/woff-v2").glob("*.woff")), "MathJax fonts"
    assert list((static / "html-manager").glob("*.woff2")), "widget icon fonts"


@pytest.mark.book
def test_no_page_loads_a_script_or_style_from_the_network(html):
    pages = sorted(html.rglob("*.html"))
    assert len(pages) >= len(READY) + 3
    remote = []
    for page in pages:
        for tag, attrs in tags(page):
            url = (
                attrs.get("src")
                if tag == "script"
                else attrs.get("href")
                if tag == "link"
                else None
            )
            if url and re.match(r"^([a-z]+:)?//", url):
                remote.append(f"{page.relative_to(html)}: <{tag}> {url}")
    assert not remote, "\n".join(remote)


@pytest.mark.book
@pytest.mark.parametrize("lesson", READY, ids=lambda lesson: lesson.id)
def test_lesson_page_has_download_and_launch_links(html, lesson):
    page = lesson_page(html, lesson)
    hrefs = [a.get("href", "") for tag, a in tags(page) if tag == "a"]
    source = f"_sources/{lesson.notebook}"
    assert any(h.endswith(source) for h in hrefs), "download link of the .ipynb"
    assert (html / source).is_file()
    repo = EXAMPLE_URL.removeprefix("https://github.com/")
    binder = [h for h in hrefs if h.startswith(f"https://mybinder.org/v2/gh/{repo}/main?")]
    colab = [h for h in hrefs if h.startswith(f"https://colab.research.google.com/github/{repo}/")]
    # the launch buttons open the learner edition, committed at learner/<notebook>
    assert binder and binder[0].endswith(f"urlpath=lab/tree/{learner_path(lesson)}"), binder
    assert colab and colab[0].endswith(f"/blob/main/{learner_path(lesson)}"), colab
    assert (ROOT / learner_path(lesson)).is_file()


@pytest.mark.book
@pytest.mark.parametrize("lesson", READY, ids=lambda lesson: lesson.id)
def test_every_plot_of_a_lesson_has_alt_text(html, lesson):
    page = lesson_page(html, lesson)
    images = [a for tag, a in tags(page) if tag == "img" and "_images/" in a.get("src", "")]
    assert images, "the lesson shows no plot"
    assert all(a.get("alt", "").strip() for a in images), [
        a["src"] for a in images if not a.get("alt")
    ]


@pytest.mark.book
def test_widget_state_is_saved_in_the_perceptron_page(html):
    page = lesson_page(html, syllabus.get("perceptron"))
    text = page.read_text(encoding="utf-8")
    state = re.search(
        r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', text, re.S
    )
    assert state, "no widget state in the page"
    models = json.loads(state.group(1))["state"]
    views = re.findall(
        r'<script type="application/vnd.jupyter.widget-view\+json">(.*?)</script>', text, re.S
    )
    assert views
    for view in views:
        assert json.loads(view)["model_id"] in models
    names = {m["model_name"] for m in models.values()}
    assert {"StackModel", "LinkModel", "SelectionSliderModel"} <= names  # the reader views
    controls = {
        m["state"].get("description")
        for m in models.values()
        if m["model_name"] in ("SelectionSliderModel", "DropdownModel")
    }
    assert {"presentation", "w weather", "w daylight", "threshold"} <= controls


def test_most_lessons_have_hidden_tests_for_the_page_test_to_look_for():
    with_hidden = [n.id for n in READY if hidden_test_lines(read_notebook(ROOT / n.notebook))]
    assert len(with_hidden) >= len(READY) - 2, with_hidden


@pytest.mark.book
@pytest.mark.parametrize("lesson", READY, ids=lambda lesson: lesson.id)
def test_lesson_page_shows_no_hidden_test_and_no_nbgrader_marker(html, lesson):
    text = page_text(lesson_page(html, lesson))
    for marker in ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "HIDDEN", "BEGIN SOLUTION"):
        assert marker not in text, marker
    assert "nbgrader" not in text.lower()
    hidden = hidden_test_lines(read_notebook(ROOT / lesson.notebook))  # none in some lessons
    shown = {line.strip() for line in text.splitlines()}
    assert not hidden & shown, f"hidden test lines on the page: {sorted(hidden & shown)[:5]}"


@pytest.mark.book
@pytest.mark.parametrize("lesson", READY, ids=lambda lesson: lesson.id)
def test_each_solution_is_folded_under_show_solution_and_each_check_shown(html, lesson):
    source = lesson_page(html, lesson).read_text(encoding="utf-8")
    folds = [
        html_lib.unescape(re.sub(r"<[^>]+>", "", block))
        for block in re.findall(r"<details\b[^>]*>(.*?)</details>", source, re.S)
    ]
    folds = [fold for fold in folds if SHOW_SOLUTION in fold]
    nb = read_notebook(ROOT / lesson.notebook)
    solutions = [c for c in nb.cells if is_solution_cell(c) and c.cell_type == "code"]
    assert len(folds) == len(solutions), f"{len(folds)} folds for {len(solutions)} solutions"
    for fold, cell in zip(folds, solutions, strict=True):
        for line in reveal_solution(cell.source).splitlines():
            assert line.strip() in fold, f"{line!r} is not in its fold"
    text = page_text(lesson_page(html, lesson))
    checks = [c for c in nb.cells if is_test_cell(c)]
    assert text.count("\u2714 ") >= len(checks), "each test cell prints its success line"


@pytest.mark.book
@pytest.mark.parametrize("lesson", READY, ids=lambda lesson: lesson.id)
def test_the_pages_download_is_the_learner_edition(html, lesson):
    page = lesson_page(html, lesson)
    hrefs = [a.get("href", "") for tag, a in tags(page) if tag == "a"]
    (link,) = {h for h in hrefs if h.endswith(f"_sources/{lesson.notebook}")}
    download = read_notebook((page.parent / link).resolve())
    expected = learner_edition(read_notebook(ROOT / lesson.notebook))
    assert download.cells == expected.cells
    assert not any(has_markers(cell.source) for cell in download.cells)
    tests = [cell for cell in download.cells if is_test_cell(cell)]
    assert tests and all(RAISES_TAG in cell.metadata.get("tags", []) for cell in tests)


@pytest.mark.book
def test_lesson_12_page_shows_pytorchs_results_not_skipped(html):
    """The book is built with PyTorch installed (as CI and the Pages workflow install it):
    lesson 12's comparisons ran, and none says it was skipped."""
    source = lesson_page(html, syllabus.get("dlcore-to-pytorch")).read_text(encoding="utf-8")
    outputs = re.findall(r'<div class="cell_output.*?</pre>', source, flags=re.S)
    printed = html_lib.unescape(re.sub(r"<[^>]+>", "", "".join(outputs)))
    assert len(outputs) > 10
    assert "is installed: the comparisons below run" in printed
    assert "PyTorch: mean training loss per epoch" in printed
    assert "PyTorch: O = " in printed
    assert "not installed" not in printed and "shown, not run" not in printed
