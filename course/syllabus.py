"""The one ordered list of lessons: the README table, the book's contents and the tests follow it.

A lesson whose notebook is not in ``notebooks/`` yet is *planned*; ``course list`` says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from course.errors import CourseError

#: where the instructor notebooks live, relative to the repository root
NOTEBOOK_DIR = "notebooks"
#: where the lessons are inside an installed wheel: ``PACKAGED_ROOT / NOTEBOOK_DIR``
PACKAGED_ROOT = Path(__file__).resolve().parent / "_lessons"
#: the number of lines of ``dl-notes.md``, the notes the course is built from
NOTES_LINES = 842


@dataclass(frozen=True)
class NotesRange:
    """Lines ``first..last`` of ``dl-notes.md`` (1-based, inclusive), taught by the cells
    under the lesson's markdown heading that contains ``heading`` (case-insensitive)."""

    first: int
    last: int
    heading: str


@dataclass(frozen=True)
class Lesson:
    """One lesson: its number, slug, title, the notes' sections and its goals."""

    number: int
    slug: str
    title: str
    sections: tuple[str, ...]
    goals: tuple[str, ...]
    notes: tuple[NotesRange, ...] = ()

    @property
    def id(self) -> str:
        """The lesson's two-digit number, as in ``03``."""
        return f"{self.number:02d}"

    @property
    def notebook(self) -> str:
        """The notebook's path relative to the repository root."""
        return f"{NOTEBOOK_DIR}/{self.id}_{self.slug}.ipynb"

    def status(self, root: str | Path) -> str:
        """``"ready"`` when the notebook exists under ``root``, else ``"planned"``."""
        return "ready" if (Path(root) / self.notebook).is_file() else "planned"


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        1,
        "ai-ml-dl",
        "AI, machine learning and deep learning",
        (
            "1. Artificial Intelligence",
            "2. Machine Learning",
            "3. Deep Learning",
            "Key Deep Learning Techniques",
            "Why are CNNs and RNNs Special?",
            "Advanced Topics in Deep Learning",
            "Frameworks and Tools",
            "Focus for Interviews",
        ),
        (
            "Tell AI, machine learning and deep learning apart, and see why each contains the next",
            "Run a supervised and an unsupervised learner and say which is which",
            "Place ANN, CNN, RNN, YOLO, LSTM, GRU and Transformers on a map of techniques",
        ),
        (
            NotesRange(1, 12, "1. Three nested ideas"),
            NotesRange(13, 23, "2. Machine learning"),
            NotesRange(24, 31, "3. Deep learning"),
            NotesRange(67, 72, "5. Focus for interviews"),
        ),
    ),
    Lesson(
        2,
        "why-deep-learning",
        "Why deep learning took off",
        ("Why Deep Learning is Becoming Popular (1-5)", "Summary"),
        (
            "Measure how matrix-multiply time grows with size on your own machine",
            "Test the claim that deep learning keeps improving with more data",
            "Name the applications and frameworks that drove adoption",
        ),
        (
            NotesRange(73, 85, "1. The explosion of data"),
            NotesRange(86, 93, "2. Hardware"),
            NotesRange(94, 100, "3. More data"),
            NotesRange(101, 110, "4. Applications across domains"),
            NotesRange(111, 119, "5. Open-source frameworks"),
            NotesRange(120, 127, "Summary"),
        ),
    ),
    Lesson(
        3,
        "perceptron",
        "The perceptron",
        (
            "Perceptron and Its Intuition",
            "Components of a Perceptron",
            "Hidden Layers in Multilayer Perceptron",
            "Example: Classifying Points in 2D Space",
            "Real-Life Analogy",
        ),
        (
            "Compute a perceptron's weighted sum and step output by hand and in code",
            "Apply Rosenblatt's learning rule one update at a time",
            "Watch the decision boundary move as the perceptron learns",
        ),
        (
            NotesRange(128, 133, "1. The perceptron and its intuition"),
            NotesRange(134, 166, "2. The components of a perceptron"),
            NotesRange(167, 171, "8. Hidden layers"),
            NotesRange(172, 194, "3. Example: classifying points in 2D space"),
            NotesRange(195, 204, "6. A real-life analogy"),
            NotesRange(224, 235, "7. The loan example"),
        ),
    ),
    Lesson(
        4,
        "linear-classifiers",
        "Linear classifiers and their limits",
        (
            "Why is the Perceptron Called a Linear Classifier?",
            "Single-Layer Perceptron Model",
            "Multi-Layer Perceptron Model",
            "Feedforward Neural Network",
            "Pros and Cons of FFNN",
            "Detailed Example: spam",
        ),
        (
            "Draw a linear decision boundary from its equation",
            "See the perceptron fail on circles and XOR, and an MLP succeed",
            "Weigh the pros and cons of feedforward networks",
        ),
        (
            NotesRange(205, 223, "1. Why a linear classifier"),
            NotesRange(236, 245, "3. The multi-layer perceptron"),
            NotesRange(246, 265, "5. The feedforward network"),
            NotesRange(266, 287, "7. Pros and cons"),
            NotesRange(288, 301, "8. Spam"),
        ),
    ),
    Lesson(
        5,
        "neural-networks",
        "Inside an artificial neural network",
        (
            "ANN: Intuition",
            "Structure of ANN",
            "Components of ANN",
            "Learning Process in ANN",
            "Advantages of ANN",
            "Limitations of ANN",
        ),
        (
            "Write a neuron and a layer as formulas and as code",
            "Compare sigmoid, ReLU and softmax",
            "Run forward propagation, a loss and one update",
        ),
        (
            NotesRange(302, 320, "Intuition"),
            NotesRange(321, 336, "Structure"),
            NotesRange(337, 359, "Components"),
            NotesRange(360, 449, "Learning process"),
            NotesRange(491, 511, "Advantages and limitations"),
        ),
    ),
    Lesson(
        6,
        "network-by-hand",
        "A network worked by hand",
        (
            "Visual and Step-by-Step Mathematical Example (Age, Income)",
            "Real-Time Example: Self-Driving Cars",
        ),
        (
            "Carry the Age/Income network through forward pass, loss and backward pass by hand",
            "Check every hand-computed number against dlcore",
        ),
        (
            NotesRange(512, 562, "The network, step by step"),
            NotesRange(563, 586, "Self-driving cars"),
        ),
    ),
    Lesson(
        7,
        "training",
        "Training a network",
        (
            "Training Process",
            "Real-Time Example: Predicting House Prices",
            "Backpropagation and Weight Update Process (with its code-style diagram)",
        ),
        (
            "Train a network with mini-batches and read its loss curves",
            "Predict house prices with an MLP",
        ),
        (
            NotesRange(450, 468, "The training process"),
            NotesRange(469, 490, "House prices"),
            NotesRange(587, 639, "Backpropagation and the weight update"),
        ),
    ),
    Lesson(
        8,
        "backpropagation",
        "Backpropagation and the chain rule",
        (
            "Chain rule of derivatives",
            "Step-by-Step Process in Backpropagation",
            "Weight Update Formula in Backpropagation",
        ),
        (
            "Apply the chain rule through a neuron and a network",
            "Verify backpropagation with a numerical gradient check",
        ),
        (
            NotesRange(640, 648, "Advantages and drawbacks"),
            NotesRange(649, 673, "The weight update formula"),
            NotesRange(716, 768, "The chain rule"),
        ),
    ),
    Lesson(
        9,
        "learning-rate",
        "The learning rate and the global minimum",
        (
            "Learning Rate and Global Minima",
            "Visual Example of Learning Rate",
            "Real-Time Example: braking system",
        ),
        (
            "See small, large and good learning rates on a loss landscape",
            "Choose a learning rate for a real model",
        ),
        (NotesRange(674, 715, "The learning rate"),),
    ),
    Lesson(
        10,
        "vanishing-gradients",
        "Vanishing gradients",
        (
            "Vanishing Gradient Problem",
            "Activation Functions and Their Role",
            "How to Address Vanishing Gradient?",
            "Example with a 3-Layer Neural Network",
        ),
        (
            "Measure how gradients shrink layer by layer with sigmoid",
            "Fix it with ReLU, He initialisation, batch normalisation and residual connections",
        ),
        (
            NotesRange(769, 774, "1. The vanishing gradient problem"),
            NotesRange(775, 790, "2. Why it happens"),
            NotesRange(791, 802, "7. The notes' 50-layer example"),
            NotesRange(803, 815, "4. Activation functions and their role"),
            NotesRange(816, 829, "5. How to address it"),
            NotesRange(830, 840, "3. The notes' 3-layer example"),
            NotesRange(841, 842, "Summary"),
        ),
    ),
    Lesson(
        11,
        "beyond-mlp",
        "Beyond the MLP: CNNs, RNNs, Transformers",
        (
            "Key Deep Learning Techniques",
            "Why are CNNs and RNNs Special?",
            "Advanced Topics in Deep Learning (YOLO, LSTM, GRU, BERT)",
        ),
        (
            "Run a convolution over an image and a recurrent cell over a sequence",
            "Know what YOLO, LSTM, GRU and Transformers are for",
        ),
        (
            NotesRange(32, 46, "Key techniques: ANN, CNN and RNN"),
            NotesRange(47, 48, "Why CNNs suit images and video"),
            NotesRange(49, 52, "RNNs: a cell unrolled over a sequence"),
            NotesRange(53, 54, "Object detection and YOLO"),
            NotesRange(55, 56, "LSTM and GRU"),
            NotesRange(57, 60, "BERT, translation and chatbots"),
        ),
    ),
    Lesson(
        12,
        "dlcore-to-pytorch",
        "From dlcore to PyTorch",
        ("Frameworks and Tools", "Open-Source Frameworks Driving Innovation"),
        (
            "Rebuild a dlcore model in PyTorch and compare the numbers",
            "Name what a framework adds: autograd, GPUs, model zoos",
        ),
        (NotesRange(61, 66, "Frameworks and tools"),),
    ),
)


def get(key: str | int) -> Lesson:
    """A lesson by number (``3``, ``"03"``), slug (``"perceptron"``), both
    (``"03_perceptron"``) or its notebook's file name (``"x/03_perceptron.ipynb"``).

    Every ``course`` command names lessons through this lookup (:mod:`course.lessons`), so
    they accept the same names and refuse an unknown one with the same ``CourseError``.
    """
    text = str(key).strip()
    name = Path(text).name if text.endswith(".ipynb") else None
    for lesson in LESSONS:
        if text in (str(lesson.number), lesson.id, lesson.slug, f"{lesson.id}_{lesson.slug}"):
            return lesson
        if name == Path(lesson.notebook).name:
            return lesson
    known = ", ".join(f"{lesson.id} ({lesson.slug})" for lesson in LESSONS)
    raise CourseError(
        f"unknown lesson {key!r}; expected a lesson number or slug, one of: {known}; "
        "or the path of an existing .ipynb file"
    )


def ready(root: str | Path) -> list[Lesson]:
    """The lessons whose notebooks exist under ``root``, in order."""
    return [lesson for lesson in LESSONS if lesson.status(root) == "ready"]


def course_root() -> Path:
    """The folder that holds ``notebooks/``: the repository when the course runs from a clone
    (an editable install or ``PYTHONPATH``), else the lessons shipped inside the installed
    package, ``course/_lessons/`` (pyproject.toml maps it onto the repository's notebooks/).
    """
    clone = Path(__file__).resolve().parents[1]
    for root in (clone, PACKAGED_ROOT):
        if (root / NOTEBOOK_DIR).is_dir():
            return root
    raise CourseError(
        f"cannot find the lesson notebooks: neither {clone / NOTEBOOK_DIR} (a clone) nor "
        f"{PACKAGED_ROOT / NOTEBOOK_DIR} (an installed wheel) exists; reinstall the course "
        "from its wheel, or from a clone of its repository with: pip install -e ."
    )


def is_installed(root: str | Path) -> bool:
    """True when ``root`` is the lessons folder inside the installed package, not a clone."""
    return Path(root).resolve() == PACKAGED_ROOT


def output_dir(root: str | Path) -> Path:
    """Where commands write what they make: ``root/build`` in a clone; ``./build`` in the
    current folder when the lessons come from the installed package (never site-packages)."""
    return Path.cwd() / "build" if is_installed(root) else Path(root) / "build"
