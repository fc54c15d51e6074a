"""Data sets for the lessons: small seeded generators, scikit-learn's digits and MNIST.

Every ``make_*`` function returns ``(X, y)`` with ``X`` a float64 array of shape
``(n_samples, n_features)`` and ``y`` of shape ``(n_samples,)``; the same ``seed`` gives the
same data. The named data sets list their columns in :data:`FEATURE_NAMES`.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path

import numpy as np

from .validation import (
    as_array,
    check_choice,
    check_non_negative,
    check_positive,
    check_seed,
)

FEATURE_NAMES: dict[str, tuple[str, ...]] = {
    "house_prices": ("size_m2", "location_score", "rooms"),
    "purchases": ("age_years", "income_k_dollars"),
    "spam": ("count_win", "count_offer", "count_urgent", "count_free", "n_links", "n_exclaim"),
}


def _start(n_samples: object, seed: object, minimum: int = 2) -> tuple[int, np.random.Generator]:
    n = check_positive(n_samples, "n_samples", integer=True)
    if n < minimum:
        raise ValueError(f"n_samples must be at least {minimum}; got {n}")
    return n, np.random.default_rng(check_seed(seed))


def _shuffled(
    rng: np.random.Generator, X: np.ndarray, y: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    order = rng.permutation(len(y))
    return X[order], y[order]


def make_linear(
    n_samples: int = 100, noise: float = 0.0, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    r"""Two classes that a straight line separates.

    Features ``x1, x2`` (no unit) in about $[-3, 3]$; label $y = 1$ above the line
    $x_2 = 0.5\,x_1 + 0.5$, else 0, balanced. Every point lies at least 0.5 from that line,
    so with ``noise=0`` (Gaussian noise of that standard deviation added to ``X``) the data
    are linearly separable with a margin.
    """
    n, rng = _start(n_samples, seed)
    noise = check_non_negative(noise, "noise")
    y = (np.arange(n) % 2).astype(np.float64)
    along = rng.uniform(-3.0, 3.0, n)  # position along the line
    distance = rng.uniform(0.5, 2.0, n) * np.where(y == 1, 1.0, -1.0)  # signed, >= 0.5
    direction = np.array([2.0, 1.0]) / np.sqrt(5.0)
    normal = np.array([-1.0, 2.0]) / np.sqrt(5.0)  # points to the y = 1 side
    X = np.array([0.0, 0.5]) + np.outer(along, direction) + np.outer(distance, normal)
    X += noise * rng.normal(size=X.shape)
    return _shuffled(rng, X, y)


def make_circles(
    n_samples: int = 200, noise: float = 0.1, factor: float = 0.5, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """A small circle inside a large one: no straight line separates them.

    Features ``x1, x2``; half the points lie on the circle of radius ``factor`` (label 1,
    inside) and half on the circle of radius 1 (label 0), plus Gaussian noise of standard
    deviation ``noise``.
    """
    n, rng = _start(n_samples, seed)
    noise = check_non_negative(noise, "noise")
    factor = check_positive(factor, "factor")
    if factor >= 1:
        raise ValueError(f"factor must be between 0 and 1 (the inner radius); got {factor}")
    y = (np.arange(n) % 2).astype(np.float64)
    radius = np.where(y == 1, factor, 1.0)
    angle = rng.uniform(0.0, 2.0 * np.pi, n)
    X = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    X += noise * rng.normal(size=X.shape)
    return _shuffled(rng, X, y)


def make_xor(
    n_samples: int = 200, noise: float = 0.1, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    r"""The XOR problem: four clusters around the corners $(0,0), (0,1), (1,0), (1,1)$.

    Label $y = x_1 \oplus x_2$ of the corner: 1 at $(0,1)$ and $(1,0)$, 0 at $(0,0)$ and
    $(1,1)$. Gaussian noise of standard deviation ``noise`` spreads each cluster.
    """
    n, rng = _start(n_samples, seed, minimum=4)
    noise = check_non_negative(noise, "noise")
    corners = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    which = np.arange(n) % 4
    X = corners[which] + noise * rng.normal(size=(n, 2))
    y = np.logical_xor(corners[which, 0], corners[which, 1]).astype(np.float64)
    return _shuffled(rng, X, y)


def make_spirals(
    n_samples: int = 200, noise: float = 0.1, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spiral arms (labels 0 and 1), each turning 1.5 times around the origin.

    Features ``x1, x2`` in about $[-1, 1]$; Gaussian noise of standard deviation ``noise``.
    """
    n, rng = _start(n_samples, seed)
    noise = check_non_negative(noise, "noise")
    y = (np.arange(n) % 2).astype(np.float64)
    t = np.sqrt(rng.uniform(0.02, 1.0, n))  # radius; sqrt spreads points evenly along the arm
    angle = 3.0 * np.pi * t + np.pi * y
    X = t[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    X += noise * rng.normal(size=X.shape)
    return _shuffled(rng, X, y)


def make_house_prices(
    n_samples: int = 200, noise: float = 0.1, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    r"""House prices, a regression problem.

    Features (see ``FEATURE_NAMES["house_prices"]``): size in m² (40 to 200), location score
    (0 to 10), number of rooms (1 to 8, about one per 25 m²). Target: price in dollars,

    $$\text{price} = (50\,000 + 1500\,\text{size}\,(0.5 + \text{location}/10)
    + 10\,000\,\text{rooms})\; e^{\varepsilon},$$

    with $\varepsilon \sim \mathcal{N}(0, \text{noise}^2)$ (``noise=0.1``: about 10 %).
    The size × location term makes it non-linear: a good location is worth more in a big
    house.
    """
    n, rng = _start(n_samples, seed)
    noise = check_non_negative(noise, "noise")
    size = rng.uniform(40.0, 200.0, n)
    location = rng.uniform(0.0, 10.0, n)
    rooms = np.clip(np.round(size / 25.0 + rng.normal(0.0, 0.7, n)), 1, 8)
    price = 50_000 + 1500 * size * (0.5 + location / 10) + 10_000 * rooms
    price *= np.exp(noise * rng.normal(size=n))
    return np.column_stack([size, location, rooms]), price


def make_purchases(n_samples: int = 200, seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    r"""Who buys? A binary classification with a curved boundary.

    Features (see ``FEATURE_NAMES["purchases"]``): age in years (18 to 70) and yearly income
    in thousands of dollars (15 to 150). Label ``buys`` in {0, 1}, drawn with probability
    $\sigma(s)$ where $s = (\text{income} - 60)/10 - ((\text{age} - 40)/8)^2 + 1$: people
    with a high income buy, most of all the middle-aged ones.
    """
    n, rng = _start(n_samples, seed)
    age = rng.uniform(18.0, 70.0, n)
    income = rng.uniform(15.0, 150.0, n)
    score = (income - 60.0) / 10.0 - ((age - 40.0) / 8.0) ** 2 + 1.0
    probability = 1.0 / (1.0 + np.exp(-np.clip(score, -50, 50)))
    buys = (rng.uniform(size=n) < probability).astype(np.float64)
    return np.column_stack([age, income]), buys


def make_spam(n_samples: int = 400, seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """Spam or not, from word counts: a pattern of combinations, not of single words.

    Features (see ``FEATURE_NAMES["spam"]``): how often "win", "offer", "urgent" and "free"
    occur, the number of links and of exclamation marks in a message. A message is spam
    (label 1) when it combines a prize word with links ("win" or "offer" and at least 2
    links) or urgency with shouting ("urgent" and at least 3 "!"); "free" alone means
    nothing. 5 % of the labels are flipped (noise).
    """
    n, rng = _start(n_samples, seed)
    rates = np.array([0.6, 0.6, 0.4, 1.0, 1.5, 1.5])
    X = rng.poisson(rates, size=(n, len(rates))).astype(np.float64)
    win, offer, urgent, _free, links, exclaim = X.T
    spam = ((win + offer > 0) & (links >= 2)) | ((urgent > 0) & (exclaim >= 3))
    flip = rng.uniform(size=n) < 0.05
    return X, (spam ^ flip).astype(np.float64)


def standardize(X: object) -> np.ndarray:
    r"""Return $(X - \mu) / \sigma$ per column (columns with $\sigma = 0$ are only centred)."""
    X = as_array(X, "X", ndim=2)
    std = X.std(axis=0)
    standardized: np.ndarray = (X - X.mean(axis=0)) / np.where(std > 0, std, 1.0)
    return standardized


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """The 8×8 handwritten digits that scikit-learn bundles, shipped with dlcore (no download).

    Returns ``X (1797, 64)``, the pixel intensities scaled to $[0, 1]$ (each pixel counts
    the inked points of a 4×4 block, 0 to 16, divided here by 16), and ``y`` the digit,
    integers 0 to 9. The data are the test set of the UCI "Optical Recognition of
    Handwritten Digits" data (E. Alpaydin and C. Kaynak, 1998; CC BY 4.0), exactly as
    ``sklearn.datasets.load_digits`` gives them, stored in ``dlcore/digits.npz``.
    """
    with resources.files("dlcore").joinpath("digits.npz").open("rb") as f, np.load(f) as data:
        images, labels = data["images"], data["labels"]
    return images.reshape(len(images), -1).astype(np.float64) / 16.0, labels.astype(np.int64)


# --- MNIST -------------------------------------------------------------------------------

MNIST_MIRRORS: tuple[str, ...] = (
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
)
"""Base URLs tried in turn; each holds the four files of :data:`MNIST_FILES`."""

MNIST_FILES: dict[str, tuple[str, str]] = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
"""(images, labels) file names for each ``kind``."""

MNIST_SHA256: dict[str, str] = {
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",  # noqa: E501
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",  # noqa: E501
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}  # fmt: skip
"""The published SHA-256 of each MNIST file; a file with another hash is rejected."""

_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def default_cache_dir() -> Path:
    """``$DLCORE_DATA/mnist`` if that variable is set, else ``~/.cache/dlcore/mnist``."""
    root = os.environ.get("DLCORE_DATA")
    return Path(root) / "mnist" if root else Path.home() / ".cache" / "dlcore" / "mnist"


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """Read an IDX file (the MNIST format), gzip-compressed or raw.

    Layout: two zero bytes, a type code (``0x08`` = unsigned byte), the number of
    dimensions $d$, then $d$ big-endian 32-bit sizes, then the values.
    """
    data = Path(path).read_bytes()
    if data[:2] == b"\x1f\x8b":  # the gzip signature
        data = gzip.decompress(data)
    if len(data) < 4 or data[:2] != b"\x00\x00" or data[2] not in _IDX_DTYPES:
        raise ValueError(f"{path} is not an IDX file: it starts with bytes {data[:4]!r}")
    dtype, ndim = np.dtype(_IDX_DTYPES[data[2]]), data[3]
    shape = tuple(int(s) for s in np.frombuffer(data, ">u4", count=ndim, offset=4))
    values = np.frombuffer(data, dtype, offset=4 + 4 * ndim)
    if values.size != int(np.prod(shape)):
        raise ValueError(
            f"{path} is damaged: its header announces shape {shape} "
            f"({int(np.prod(shape))} values) but it holds {values.size} values"
        )
    return values.reshape(shape)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _download(name: str, folder: Path, mirrors: Sequence[str]) -> None:
    """Fetch ``name`` from the first mirror that answers into ``folder``."""
    problems = []
    partial = folder / (name + ".part")
    for base in mirrors:
        url = base.rstrip("/") + "/" + name
        try:
            with urllib.request.urlopen(url, timeout=30) as response, partial.open("wb") as f:
                shutil.copyfileobj(response, f)
        except (urllib.error.URLError, OSError) as exc:
            partial.unlink(missing_ok=True)
            problems.append(f"{url}: {exc}")
            continue
        partial.replace(folder / name)
        return
    raise ConnectionError(
        f"could not download the MNIST file {name} (are you offline?).\n"
        + "\n".join(problems)
        + f"\nTo install it by hand, download {name} from one of {', '.join(mirrors)} "
        f"on a machine with internet access and copy it into the folder {folder} "
        "(or pass cache_dir=... to load_mnist). Lessons that need no network use "
        "dlcore.datasets.load_digits() instead."
    )


def _fetch(name: str, folder: Path, mirrors: Sequence[str], sha256: Mapping[str, str]) -> Path:
    """Return the path of ``name`` in ``folder``, downloading it first if absent, and
    check its SHA-256."""
    path = folder / name
    if not path.exists():
        _download(name, folder, mirrors)
    expected = sha256.get(name)
    if expected is None:
        raise ValueError(f"no expected SHA-256 for {name}; sha256 lists {sorted(sha256)}")
    actual = _sha256(path)
    if actual != expected.lower():
        raise ValueError(
            f"the file {path} is damaged or not the MNIST file: its SHA-256 is {actual}, "
            f"expected {expected}. Delete it and call load_mnist again to download it anew."
        )
    return path


def load_mnist(
    kind: str = "train",
    cache_dir: str | os.PathLike[str] | None = None,
    *,
    mirrors: Sequence[str] = MNIST_MIRRORS,
    sha256: Mapping[str, str] = MNIST_SHA256,
) -> tuple[np.ndarray, np.ndarray]:
    """The MNIST handwritten digits, 28×28 pixels.

    On first use the two files for ``kind`` are downloaded into ``cache_dir`` (default
    :func:`default_cache_dir`), then checked against their SHA-256 every time.

    Parameters
    ----------
    kind : {"train", "test"}
        60 000 training or 10 000 test images.
    cache_dir : path, optional
        Folder holding the files of :data:`MNIST_FILES`; put them there by hand when
        offline.
    mirrors, sha256
        Base URLs to download from and the expected hashes (for tests and new mirrors).

    Returns
    -------
    X : ndarray (n, 784)
        Pixels scaled to $[0, 1]$, one image per row.
    y : ndarray (n,)
        The digit, integers 0 to 9.
    """
    kind = check_choice(kind, "kind", MNIST_FILES)
    if isinstance(mirrors, str):
        mirrors = (mirrors,)
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    images_name, labels_name = MNIST_FILES[kind]
    images = read_idx(_fetch(images_name, folder, mirrors, sha256))
    labels = read_idx(_fetch(labels_name, folder, mirrors, sha256))
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise ValueError(
            f"MNIST files in {folder} do not match: images of shape {images.shape}, "
            f"labels of shape {labels.shape}"
        )
    X = images.reshape(len(images), -1).astype(np.float64) / 255.0
    return X, labels.astype(np.int64)
