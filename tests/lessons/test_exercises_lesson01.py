"""Lesson 01's exercises through the check and the grader alike (see exercise_util)."""

from __future__ import annotations

import pytest
from exercise_util import checked, exercise_cells, right_everywhere, wrong_everywhere

from course.exercises import lesson01

FORECAST = (
    "def predict_next_month(sales):\n"
    "    y = np.asarray(sales, dtype=float)\n"
    "    t = np.arange(len(y))\n"
    "    a = np.sum((t - t.mean()) * (y - y.mean())) / np.sum((t - t.mean()) ** 2)\n"
    "    b = y.mean() - a * t.mean()\n"
    "    return float(a * AT + b)\n"
)

CLASSIFIER = (
    "def nearest_centroid_classifier(X_train, y_train, X_new):\n"
    "    X_train, X_new = np.asarray(X_train, float), np.asarray(X_new, float)\n"
    "    y_train = np.asarray(y_train)\n"
    "    m, s = X_train.mean(axis=0), X_train.std(axis=0)\n"
    "    labels = np.unique(y_train)\n"
    "    mu = np.array([((X_train[y_train == c] - m) / s).mean(axis=0) for c in labels])\n"
    "    z = (SCALED - m) / s\n"
    "    d = DISTANCE\n"
    "    return RESULT\n"
)
SQUARED = "((z[:, None, :] - mu[None, :, :]) ** 2).sum(axis=2)"


def classifier(scaled="X_new", distance=SQUARED, result="labels[d.argmin(axis=1)]") -> str:
    return (
        CLASSIFIER.replace("SCALED", scaled).replace("DISTANCE", distance).replace("RESULT", result)
    )


FAMILY = (
    "def suggest_family(data_type):\n"
    "    families = {'tabular': TABULAR, 'image': 'CNN', 'video': 'CNN', 'text': TEXT,\n"
    "                'time series': SERIES}\n"
    "    if data_type not in families:\n"
    "        raise ValueError(f'no family for {data_type}')\n"
    "    return families[data_type]\n"
)


def family(tabular="'ANN'", text="'RNN'", series="'RNN'") -> str:
    return FAMILY.replace("TABULAR", tabular).replace("TEXT", text).replace("SERIES", series)


RIGHT = {
    "l01-inertia-prediction-test": [
        "def my_prediction():\n    return 'B'",
        "my_prediction = ' (b) '",
        "my_prediction = 'B) exactly 0'",
    ],
    "l01-predict-next-month-test": [
        FORECAST.replace("AT", "len(y)"),
        # the normal equations the lesson shows, solved with np.linalg.solve; an array of one
        "def predict_next_month(sales):\n"
        "    A = np.column_stack([np.ones(len(sales)), np.arange(len(sales))])\n"
        "    theta = np.linalg.solve(A.T @ A, A.T @ np.asarray(sales, dtype=float))\n"
        "    return np.array([theta[0] + theta[1] * len(sales)])\n",
        # plain Python sums, with the covariance and variance
        "def predict_next_month(sales):\n"
        "    n = len(sales)\n"
        "    t_bar, y_bar = (n - 1) / 2, sum(sales) / n\n"
        "    cov = sum((t - t_bar) * (y - y_bar) for t, y in enumerate(sales))\n"
        "    var = sum((t - t_bar) ** 2 for t in range(n))\n"
        "    return y_bar + cov / var * (n - t_bar)\n",
        # np.cov and np.var, the months counted from 1 and the line evaluated at n + 1
        "def predict_next_month(sales):\n"
        "    t = np.arange(1, len(sales) + 1)\n"
        "    a = np.cov(t, sales, bias=True)[0, 1] / np.var(t)\n"
        "    return np.mean(sales) + a * (len(sales) + 1 - t.mean())\n",
    ],
    "l01-nearest-centroid-test": [
        classifier(),
        # Euclidean distance (not squared), dlcore's standardise of the training rows, a list
        "def nearest_centroid_classifier(X_train, y_train, X_new):\n"
        "    X, Xn = np.array(X_train, dtype=float), np.array(X_new, dtype=float)\n"
        "    m, s = X.mean(0), X.std(0)\n"
        "    y = np.array(y_train)\n"
        "    classes = sorted(set(y_train))\n"
        "    Z = dl.datasets.standardize(X)\n"
        "    mu = [Z[y == c].mean(0) for c in classes]\n"
        "    return [classes[int(np.argmin([np.linalg.norm((x - m) / s - c) for c in mu]))]\n"
        "            for x in Xn]\n",
        # the centroids in raw units, then standardised: the same centroids
        "def nearest_centroid_classifier(X_train, y_train, X_new):\n"
        "    X_train, y_train = np.asarray(X_train, float), np.asarray(y_train)\n"
        "    m, s = X_train.mean(axis=0), X_train.std(axis=0)\n"
        "    labels = np.unique(y_train)\n"
        "    raw = np.stack([X_train[y_train == c].mean(axis=0) for c in labels])\n"
        "    mu, z = (raw - m) / s, (np.asarray(X_new, float) - m) / s\n"
        "    d = np.linalg.norm(z[:, None] - mu[None], axis=-1) ** 2\n"
        "    return labels[np.argmin(d, axis=1)]\n",
    ],
    "l01-suggest-family-test": [
        family(),
        family("'mlp'", "'Transformer'", "' lstm '"),
        family("'ANN'", "'transformers'", "'GRU'"),
        "def suggest_family(data_type):\n"
        "    if data_type in ('image', 'video'):\n        return 'CNN'\n"
        "    if data_type in ('text', 'time series'):\n        return 'LSTM'\n"
        "    if data_type == 'tabular':\n        return 'MLP'\n"
        "    raise KeyError(data_type) if False else ValueError(data_type)\n",
    ],
}

WRONG = {
    "l01-inertia-prediction-test": [
        ("my_prediction = 'A'", "keeps falling past k = 3"),
        ("def my_prediction():\n    return 'c'", "k = 1 is the worst"),
        ("my_prediction = 'D'", "it needs k distinct starting points"),
        ("my_prediction = 'E'", "expected one of the letters"),
    ],
    "l01-predict-next-month-test": [
        (FORECAST.replace("AT", "(len(y) - 1)"), "that is the line at the last month"),
        (FORECAST.replace("AT", "(len(y) + 1)"), "two months ahead"),
        ("def predict_next_month(sales):\n    return sales[-1]", "the last month's sales"),
        ("def predict_next_month(sales):\n    return np.mean(sales)", "the mean of the sales"),
        (
            "def predict_next_month(sales):\n"
            "    return sales[-1] + (sales[-1] - sales[0]) / (len(sales) - 1)",
            "the first and the last month only",
        ),
        (
            "def predict_next_month(sales):\n    return 2 * sales[-1] - sales[-2]",
            "repeats the last month's change",
        ),
        (
            "def predict_next_month(sales):\n"
            "    t = np.arange(len(sales))\n"
            "    return (t @ sales) / (t @ t) * len(sales)",
            "needs its intercept b",
        ),
        (
            "def predict_next_month(sales):\n"
            "    t = np.arange(len(sales))\n"
            "    a, b = np.polyfit(t, sales, 1)\n"
            "    return a * len(sales) + b",
            "numpy.polyfit is not available in this exercise",
        ),
        (
            "def predict_next_month(sales):\n"
            "    A = np.column_stack([np.ones(len(sales)), np.arange(len(sales))])\n"
            "    (b, a), *_ = np.linalg.lstsq(A, np.asarray(sales, float), rcond=None)\n"
            "    return a * len(sales) + b",
            "numpy.linalg.lstsq is not available in this exercise",
        ),
        (
            "def predict_next_month(sales):\n"
            "    A = np.column_stack([np.ones(len(sales)), np.arange(len(sales))])\n"
            "    b, a = np.linalg.pinv(A) @ np.asarray(sales, float)\n"
            "    return a * len(sales) + b",
            "numpy.linalg.pinv is not available in this exercise",
        ),
        (
            "def predict_next_month(sales):\n"
            "    c = np.polynomial.polynomial.polyfit(np.arange(len(sales)), sales, 1)\n"
            "    return c[0] + c[1] * len(sales)",
            "numpy.polynomial.polynomial.polyfit is not available in this exercise",
        ),
        (
            "def predict_next_month(sales):\n"
            "    from scipy.stats import linregress\n"
            "    fit = linregress(np.arange(len(sales)), sales)\n"
            "    return fit.slope * len(sales) + fit.intercept",
            "scipy.stats.linregress is not available in this exercise",
        ),
    ],
    "l01-nearest-centroid-test": [
        (
            classifier()
            .replace("    z = (X_new - m) / s\n", "    z = X_new\n")
            .replace("((X_train[y_train == c] - m) / s)", "X_train[y_train == c]"),
            "the features were not standardised",
        ),  # fmt: skip
        (
            classifier("(X_new - X_new.mean(axis=0)) / X_new.std(axis=0) * s + m"),
            "standardised with their own mean",
        ),  # fmt: skip
        (classifier(result="d.argmin(axis=1)"), "those are positions of the centroids"),
        (
            classifier(distance="np.abs(z[:, None, :] - mu[None, :, :]).sum(axis=2)"),
            "the sum of absolute differences",
        ),
    ],
    "l01-suggest-family-test": [
        ("def suggest_family(data_type):\n    return 'ANN'", "a plain ANN ignores the structure"),
        (family(text="'CNN'"), "expected one of ['GRU', 'LSTM', 'RNN'"),
        (family("'CNN'"), "a table's columns have no neighbours"),
        (family("'RNN'"), "a table's columns have no order"),
        (
            "def suggest_family(data_type):\n"
            "    return {'image': 'CNN', 'video': 'CNN', 'text': 'RNN',\n"
            "            'time series': 'RNN'}.get(data_type, 'ANN')",
            "expected a ValueError naming 'smell'",
        ),
        (
            family().replace("f'no family for {data_type}'", "'unknown data type'"),
            "the ValueError should name the data type 'smell'",
        ),
    ],
}


def test_every_exercise_of_the_lesson_is_listed_here():
    assert set(RIGHT) == set(WRONG) == set(exercise_cells("01"))


@pytest.mark.parametrize(("test_id", "answer"), [(t, a) for t, As in RIGHT.items() for a in As])
def test_a_right_answer_is_right_for_the_check_and_the_grader(test_id, answer):
    right_everywhere("01", test_id, answer)


@pytest.mark.parametrize(
    ("test_id", "answer", "hint"), [(t, a, h) for t, As in WRONG.items() for a, h in As]
)
def test_a_typical_mistake_is_wrong_for_both_and_named_by_the_check(test_id, answer, hint):
    assert hint in wrong_everywhere("01", test_id, answer)


def test_every_library_function_of_the_forecast_is_tested_as_withheld():
    named = {hint.split(" is not")[0] for _, hint in WRONG["l01-predict-next-month-test"]}
    assert set(lesson01.FORECAST.library) <= named


@pytest.mark.parametrize(
    ("test_id", "wrong", "first", "second", "code"),
    [
        (
            "l01-predict-next-month-test",
            "def predict_next_month(sales):\n    return 0.0",
            "least squares picks the a and b",
            "with t = 0, 1, ..., n-1: a = sum_t (t - t_mean)(y_t - y_mean)",
            ("np.", "sum(", "return", "mean()"),
        ),
        (
            "l01-nearest-centroid-test",
            "def nearest_centroid_classifier(X_train, y_train, X_new):\n    return [0, 0, 0]",
            "learning is three things computed",
            "z = (x - m) / s with m and s from X_train",
            ("np.", "argmin", "unique", "return", "[:, None"),
        ),
        (
            "l01-inertia-prediction-test",
            "my_prediction = 'C'",
            "write down the inertia",
            "k-means starts its k = n centres",
            ("return",),
        ),
        (
            "l01-suggest-family-test",
            "def suggest_family(data_type):\n    return 'YOLO'",
            "ask what structure the data has",
            "no order: a plain network",
            ("def ", "return", "{"),
        ),
    ],
)
def test_a_second_wrong_answer_shows_the_next_hint_never_the_code(
    test_id, wrong, first, second, code
):
    once = checked("01", test_id, wrong)
    twice = checked("01", test_id, wrong)
    assert f"Hint 1 of 2: {first}" in once and "Hint 2 of 2" not in once
    assert f"Hint 2 of 2: {second}" in twice
    hints = twice.split("Hint 1 of 2")[1]
    for piece in code:
        assert piece not in hints
