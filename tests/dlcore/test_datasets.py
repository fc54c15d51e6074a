"""dlcore.datasets: the seeded generators, load_digits and load_mnist (never online)."""

import gzip
import hashlib
import io
import subprocess
import sys
import urllib.error
import urllib.request

import numpy as np
import pytest

from dlcore import datasets as ds

GENERATORS = [
    ds.make_linear,
    ds.make_circles,
    ds.make_xor,
    ds.make_spirals,
    ds.make_house_prices,
    ds.make_purchases,
    ds.make_spam,
]
CLASSIFIERS = [g for g in GENERATORS if g is not ds.make_house_prices]


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any real download attempt in these tests is a bug."""

    def refuse(*args, **kwargs):
        raise AssertionError("a test tried to use the network")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)


@pytest.mark.parametrize("make", GENERATORS)
def test_shapes_dtype_and_size(make):
    X, y = make(n_samples=40, seed=1)
    assert X.dtype == np.float64 and X.ndim == 2 and X.shape[0] == 40
    assert y.shape == (40,)
    assert np.all(np.isfinite(X)) and np.all(np.isfinite(y))


@pytest.mark.parametrize("make", CLASSIFIERS)
def test_classification_labels_are_0_and_1(make):
    _, y = make(n_samples=200, seed=0)
    assert set(np.unique(y)) == {0.0, 1.0}


@pytest.mark.parametrize("make", GENERATORS)
def test_bad_sizes_and_seeds_are_rejected(make):
    with pytest.raises(ValueError, match="n_samples must be a positive integer; got 0"):
        make(n_samples=0)
    with pytest.raises(TypeError, match="n_samples must be a positive integer; got 2.5"):
        make(n_samples=2.5)
    with pytest.raises(ValueError, match="seed must be None or a non-negative integer"):
        make(seed=-1)


def test_noise_and_factor_are_checked():
    with pytest.raises(ValueError, match="noise must be a finite number >= 0; got -0.1"):
        ds.make_circles(noise=-0.1)
    with pytest.raises(ValueError, match="factor must be between 0 and 1.*got 1.5"):
        ds.make_circles(factor=1.5)
    with pytest.raises(ValueError, match="n_samples must be at least 4; got 3"):
        ds.make_xor(n_samples=3)


def test_make_linear_is_separated_by_its_line_with_a_margin():
    X, y = ds.make_linear(300, seed=4)
    distance = (X[:, 1] - 0.5 * X[:, 0] - 0.5) / np.sqrt(1 + 0.25)  # signed, to the line
    np.testing.assert_array_equal(y, distance > 0)
    assert np.abs(distance).min() >= 0.5 - 1e-12
    assert y.mean() == 0.5


def test_make_circles_without_noise_lies_on_two_circles():
    X, y = ds.make_circles(100, noise=0.0, factor=0.3, seed=0)
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radius[y == 1], 0.3)
    np.testing.assert_allclose(radius[y == 0], 1.0)


def test_make_xor_labels_are_the_xor_of_the_corner():
    X, y = ds.make_xor(40, noise=0.0, seed=0)
    np.testing.assert_array_equal(y, np.logical_xor(X[:, 0], X[:, 1]))


def test_make_spirals_has_two_arms_of_equal_size():
    X, y = ds.make_spirals(200, noise=0.0, seed=0)
    assert y.sum() == 100
    np.testing.assert_array_less(np.hypot(X[:, 0], X[:, 1]), 1.0 + 1e-12)


def test_house_prices_depend_on_size_times_location():
    X, price = ds.make_house_prices(500, noise=0.05, seed=0)
    size, location, rooms = X.T
    assert ds.FEATURE_NAMES["house_prices"] == ("size_m2", "location_score", "rooms")
    assert size.min() >= 40 and size.max() <= 200 and 0 <= location.min() <= location.max() <= 10
    assert set(np.unique(rooms)) <= set(range(1, 9)) and np.all(price > 0)

    def r2(features):
        A = np.column_stack([np.ones(len(price)), *features])
        residual = price - A @ np.linalg.lstsq(A, price, rcond=None)[0]
        return 1 - residual.var() / price.var()

    assert r2([size, location, rooms, size * location]) > r2([size, location, rooms]) + 0.02


def test_purchases_rise_with_income():
    X, buys = ds.make_purchases(1000, seed=0)
    age, income = X.T
    assert ds.FEATURE_NAMES["purchases"] == ("age_years", "income_k_dollars")
    assert age.min() >= 18 and age.max() <= 70 and income.min() >= 15 and income.max() <= 150
    assert buys[income > 100].mean() > buys[income < 50].mean() + 0.5


def test_spam_is_a_combination_of_words():
    X, spam = ds.make_spam(2000, seed=0)
    names = ds.FEATURE_NAMES["spam"]
    assert X.shape[1] == len(names)
    col = {name: X[:, i] for i, name in enumerate(names)}
    prize_and_links = (col["count_win"] > 0) & (col["n_links"] >= 2)
    prize_only = (col["count_win"] > 0) & (col["n_links"] == 0) & (col["count_urgent"] == 0)
    assert spam[prize_and_links].mean() > 0.85
    assert spam[prize_only].mean() < 0.15
    assert np.all(np.round(X) == X) and X.min() >= 0  # counts


def test_standardize():
    X = np.array([[1.0, 5.0], [3.0, 5.0], [5.0, 5.0]])
    Z = ds.standardize(X)
    np.testing.assert_allclose(Z.mean(axis=0), [0.0, 0.0], atol=1e-15)
    np.testing.assert_allclose(Z[:, 0].std(), 1.0)
    np.testing.assert_array_equal(Z[:, 1], 0.0)  # a constant column is only centred
    with pytest.raises(ValueError, match="X must be 2-D"):
        ds.standardize([1.0, 2.0])


def test_load_digits():
    X, y = ds.load_digits()
    assert X.shape == (1797, 64) and y.shape == (1797,)
    assert X.min() == 0.0 and X.max() == 1.0
    assert set(np.unique(y)) == set(range(10))


def test_load_digits_gives_scikit_learns_digits_exactly():
    from sklearn.datasets import load_digits

    digits = load_digits()
    X, y = ds.load_digits()
    np.testing.assert_array_equal(X * 16.0, digits.data)
    np.testing.assert_array_equal(y, digits.target)
    assert X.dtype == np.float64 and y.dtype == np.int64


def test_load_digits_imports_no_scikit_learn():
    code = "import sys, dlcore; dlcore.datasets.load_digits(); print('sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- MNIST with small IDX files written here ------------------------------------------


def idx_bytes(array: np.ndarray) -> bytes:
    """Encode an uint8 array in the IDX format (independently of dlcore)."""
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(
        int(n).to_bytes(4, "big") for n in array.shape
    )
    return header + array.astype(np.uint8).tobytes()


@pytest.fixture
def small_mnist():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(5, 28, 28), dtype=np.uint8)
    labels = np.array([3, 1, 4, 1, 5], dtype=np.uint8)
    return images, labels


def write_cache(folder, images, labels, kind="train", compress=True):
    """Write the two files of ``kind`` into ``folder``; return their SHA-256 table."""
    table = {}
    for name, array in zip(ds.MNIST_FILES[kind], (images, labels), strict=True):
        data = idx_bytes(array)
        data = gzip.compress(data) if compress else data
        (folder / name).write_bytes(data)
        table[name] = hashlib.sha256(data).hexdigest()
    return table


@pytest.mark.parametrize("compress", [True, False])
def test_load_mnist_reads_cached_files(tmp_path, small_mnist, compress):
    images, labels = small_mnist
    table = write_cache(tmp_path, images, labels, "test", compress)
    X, y = ds.load_mnist("test", cache_dir=tmp_path, sha256=table)
    assert X.shape == (5, 784) and X.dtype == np.float64
    np.testing.assert_allclose(X, images.reshape(5, -1) / 255.0)
    np.testing.assert_array_equal(y, [3, 1, 4, 1, 5])


def test_load_mnist_rejects_a_wrong_hash(tmp_path, small_mnist):
    table = write_cache(tmp_path, *small_mnist)
    table["train-images-idx3-ubyte.gz"] = "0" * 64
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte.gz is damaged.*SHA-256.*Delete"):
        ds.load_mnist(cache_dir=tmp_path, sha256=table)


def test_load_mnist_offline_explains_how_to_place_the_files(tmp_path, monkeypatch):
    def offline(url, timeout=None):
        raise urllib.error.URLError("no route to host")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(ConnectionError) as info:
        ds.load_mnist(cache_dir=tmp_path, mirrors=("https://example.invalid/mnist",))
    message = str(info.value)
    assert "train-images-idx3-ubyte.gz" in message and "offline" in message
    assert str(tmp_path) in message and "copy it into the folder" in message
    assert "https://example.invalid/mnist/train-images-idx3-ubyte.gz: " in message
    assert list(tmp_path.iterdir()) == []  # no partial file left behind


def test_load_mnist_downloads_once_then_uses_the_cache(tmp_path, small_mnist, monkeypatch):
    images, labels = small_mnist
    payload = {}
    for name, array in zip(ds.MNIST_FILES["train"], (images, labels), strict=True):
        payload[name] = gzip.compress(idx_bytes(array))
    table = {name: hashlib.sha256(data).hexdigest() for name, data in payload.items()}
    requested = []

    def fake_urlopen(url, timeout=None):
        requested.append(url)
        return io.BytesIO(payload[url.rsplit("/", 1)[1]])

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    X, y = ds.load_mnist(cache_dir=tmp_path / "new", mirrors="https://mirror.test/m/", sha256=table)
    assert requested == [
        "https://mirror.test/m/train-images-idx3-ubyte.gz",
        "https://mirror.test/m/train-labels-idx1-ubyte.gz",
    ]
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == sorted(payload)
    X2, _ = ds.load_mnist(cache_dir=tmp_path / "new", sha256=table)
    assert len(requested) == 2  # second call: from the cache
    np.testing.assert_array_equal(X, X2)


def test_load_mnist_bad_kind_and_mismatched_files(tmp_path, small_mnist):
    with pytest.raises(ValueError, match="unknown kind 'validation'; expected one of: test, train"):
        ds.load_mnist("validation", cache_dir=tmp_path)
    images, labels = small_mnist
    table = write_cache(tmp_path, images, labels[:4])
    with pytest.raises(ValueError, match=r"do not match: images of shape \(5, 28, 28\)"):
        ds.load_mnist(cache_dir=tmp_path, sha256=table)


def test_read_idx_rejects_other_and_truncated_files(tmp_path):
    path = tmp_path / "f.idx"
    path.write_bytes(b"PK\x03\x04hello")
    with pytest.raises(ValueError, match="is not an IDX file"):
        ds.read_idx(path)
    path.write_bytes(idx_bytes(np.zeros((2, 3), dtype=np.uint8))[:-1])
    with pytest.raises(ValueError, match=r"is damaged: its header announces shape \(2, 3\)"):
        ds.read_idx(path)


def test_the_published_hashes_cover_every_file():
    names = {name for pair in ds.MNIST_FILES.values() for name in pair}
    assert names == set(ds.MNIST_SHA256)
    assert all(len(h) == 64 and int(h, 16) >= 0 for h in ds.MNIST_SHA256.values())


def test_default_cache_dir_follows_dlcore_data(monkeypatch, tmp_path):
    monkeypatch.setenv("DLCORE_DATA", str(tmp_path))
    assert ds.default_cache_dir() == tmp_path / "mnist"
    monkeypatch.delenv("DLCORE_DATA")
    assert ds.default_cache_dir().parts[-3:] == (".cache", "dlcore", "mnist")
