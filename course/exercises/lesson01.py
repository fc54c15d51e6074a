"""Lesson 01, AI, machine learning and deep learning: the inertia with one group per customer,
next month's sales from a line fitted by its formula, the nearest-centroid classifier for any
labels, and a network family for each kind of data."""

from __future__ import annotations

from typing import Any

import numpy as np

from course.exercises import (
    LEAST_SQUARES,
    Case,
    Mistake,
    close,
    equal,
    implement,
    predict,
    tagged_args,
)

# --- Exercise 1: predict the inertia with one group per customer -----------------------------

#: why each choice is right or wrong: the inertia of k-means with k = number of customers
INERTIA_CHOICES: dict[str, str] = {
    "A": "more groups never leave the best inertia higher, and each added centre can sit on "
    "a customer and remove that customer's distance: it keeps falling past k = 3",
    "B": "with one centre on every customer, every distance ||x_i - c_a(i)||^2 is 0, so the "
    "inertia J is exactly 0, the lowest possible: a 'perfect' fit that groups nothing",
    "C": "k = 1 is the worst case (one centre, the mean, for everyone); every extra centre can "
    "only bring customers closer to a centre",
    "D": "k-means runs for any k up to the number of customers; with k = n each random start "
    "picks every customer as a centre",
}

INERTIA = predict(
    "l01-inertia-prediction-test",
    "B",
    INERTIA_CHOICES,
    (
        "write down the inertia J = sum_i ||x_i - c_a(i)||^2 for the case where every customer "
        "has a centre of its own, and ask what each term is",
        "k-means starts its k = n centres on n different customers and assigns each customer "
        "to its nearest centre: how far is a customer from a centre placed on it?",
    ),
    names=("my_prediction", "prediction"),
    mistakes=(
        Mistake(
            "A",
            "the three kinds are what a person sees; J only measures distances to "
            "the nearest centre, and n centres can be nearer than 3",
        ),
        Mistake(
            "C",
            "J is lowest-possible, not confused: compare k = 1, where everyone "
            "shares the mean, with k = n",
        ),
        Mistake(
            "D",
            "nothing stops k-means at k = n: it needs k distinct starting points, "
            "and there are n customers",
        ),
    ),
    success="B: with a centre on every customer, every distance is 0, so J = 0, and the "
    "grouping tells the shop nothing",
)

# --- Exercise 2: next month's sales from the least-squares line, by its formula --------------


def line_forecast(sales: Any) -> float:
    r"""Reference: the least-squares line :math:`\hat y_t = a t + b` through
    :math:`(t, y_t)`, :math:`t = 0, \dots, n-1`, evaluated at :math:`t = n`."""
    y = np.asarray(sales, dtype=float).reshape(-1)
    t = np.arange(len(y), dtype=float)
    a, b = np.polyfit(t, y, 1)
    return float(a * len(y) + b)


def _fitted_line(sales: Any) -> tuple[float, float, int]:
    y = np.asarray(sales, dtype=float).reshape(-1)
    t = np.arange(len(y), dtype=float)
    a, b = np.polyfit(t, y, 1)
    return float(a), float(b), len(y)


def _last_value(sales: Any) -> float:
    return float(np.asarray(sales, dtype=float).reshape(-1)[-1])


def _mean(sales: Any) -> float:
    return float(np.mean(np.asarray(sales, dtype=float)))


def _line_at_last_month(sales: Any) -> float:
    a, b, n = _fitted_line(sales)
    return a * (n - 1) + b


def _two_months_ahead(sales: Any) -> float:
    a, b, n = _fitted_line(sales)
    return a * (n + 1) + b


def _first_to_last(sales: Any) -> float:
    y = np.asarray(sales, dtype=float).reshape(-1)
    return float(y[-1] + (y[-1] - y[0]) / (len(y) - 1))


def _last_step(sales: Any) -> float:
    y = np.asarray(sales, dtype=float).reshape(-1)
    return float(2 * y[-1] - y[-2])


def _through_the_origin(sales: Any) -> float:
    y = np.asarray(sales, dtype=float).reshape(-1)
    t = np.arange(len(y), dtype=float)
    return float((t @ y) / (t @ t) * len(y))


def _slope_without_centring(sales: Any) -> float:
    y = np.asarray(sales, dtype=float).reshape(-1)
    t = np.arange(len(y), dtype=float)
    a = (t @ y) / (t @ t)
    return float(a * len(y) + (y.mean() - a * t.mean()))


def _sales(values: list, what: str) -> Case:
    return Case(({"array": values},), what, label=f"predict_next_month(np.array({values}))")


FORECAST = implement(
    "l01-predict-next-month-test",
    "predict_next_month",
    (
        _sales([10.0, 14.0, 11.0, 15.0, 13.0], "noisy sales: the line goes between them"),
        _sales([10.0, 12.0, 14.0], "a perfect line, +2 a month: next comes 16"),
        _sales([5.0, 5.0, 5.0, 5.0], "flat sales: the line is flat"),
        _sales([30.0, 25.0, 20.0], "falling sales: the slope is negative"),
        _sales(
            [100.0, 100.0, 130.0, 110.0, 120.0, 150.0],
            "noisy growing sales: the first and last months alone do not give the slope",
        ),
        Case(([1, 2],), "two months, as a list of integers", label="predict_next_month([1, 2])"),
        Case(
            ([3.0, -1.0, 4.0, 1.0, -5.0, 9.0, 2.0],),
            "seven noisy months as a plain list",
            label="predict_next_month([3.0, -1.0, 4.0, 1.0, -5.0, 9.0, 2.0])",
        ),
    ),
    line_forecast,
    compare=close(atol=1e-6, rtol=1e-9, fit="squeeze"),
    driver=tagged_args,
    hints=(
        "least squares picks the a and b that make the sum of squared errors smallest; "
        "setting its derivatives by a and by b to zero says that the best line passes through "
        "the mean point (t_mean, y_mean) and that its slope measures how t and y vary together",
        "with t = 0, 1, ..., n-1: a = sum_t (t - t_mean)(y_t - y_mean) / sum_t (t - t_mean)^2 "
        "and b = y_mean - a t_mean; the forecast is the line at the next month, a n + b",
    ),
    mistakes=(
        Mistake(
            _line_at_last_month,
            "that is the line at the last month, t = n - 1: the next month is t = n",
        ),
        Mistake(
            _two_months_ahead,
            "that is the line two months ahead, t = n + 1: with the "
            "months numbered 0 to n - 1, the next one is t = n",
        ),
        Mistake(
            _last_value, "that is the last month's sales: extend the fitted line one month instead"
        ),
        Mistake(_mean, "that is the mean of the sales, a flat line: the fitted line has a slope a"),
        Mistake(
            _first_to_last,
            "that slope uses the first and the last month only: least squares uses every month",
        ),
        Mistake(
            _last_step,
            "that repeats the last month's change: least squares fits one line to every month",
        ),
        Mistake(
            _through_the_origin, "that line passes through 0 at t = 0: it needs its intercept b"
        ),
        Mistake(
            _slope_without_centring,
            "the slope divides sums of t y and t^2: subtract the "
            "means first, (t - t_mean) and (y_t - y_mean)",
        ),
    ),
    library=(*LEAST_SQUARES,),
    success="predict_next_month extends the least-squares line one month ahead",
)

# --- Exercise 3: the nearest-centroid classifier, for any labels -----------------------------


def nearest_centroid_classifier(X_train: Any, y_train: Any, X_new: Any) -> np.ndarray:
    r"""Reference: standardise with the training set's mean :math:`m` and standard deviation
    :math:`s`, one centroid :math:`\mu_c` per label, and for every new row the label
    :math:`\arg\min_c \lVert z - \mu_c \rVert^2`."""
    X_train, X_new = np.asarray(X_train, dtype=float), np.asarray(X_new, dtype=float)
    y_train = np.asarray(y_train)
    m, s = X_train.mean(axis=0), X_train.std(axis=0)
    classes = np.unique(y_train)
    centroids = np.array([((X_train[y_train == c] - m) / s).mean(axis=0) for c in classes])
    z = (X_new - m) / s
    return classes[((z[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)]


def _classify(X_train, y_train, X_new, *, scale="train", labels=True, metric="squared"):
    """The classifier with one typical mistake switched on."""
    X_train, X_new = np.asarray(X_train, dtype=float), np.asarray(X_new, dtype=float)
    y_train = np.asarray(y_train)
    m, s = X_train.mean(axis=0), X_train.std(axis=0)
    classes = np.unique(y_train)
    if scale == "none":
        m, s = np.zeros_like(m), np.ones_like(s)
    centroids = np.array([((X_train[y_train == c] - m) / s).mean(axis=0) for c in classes])
    if scale == "own":
        m, s = X_new.mean(axis=0), X_new.std(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):  # one new row: its own s is 0
        difference = (X_new - m) / s
    difference = difference[:, None, :] - centroids[None, :, :]
    distance = np.abs(difference).sum(axis=2) if metric == "manhattan" else (difference**2).sum(2)
    index = distance.argmin(axis=1)
    return classes[index] if labels else index


def _unscaled(X_train, y_train, X_new):
    return _classify(X_train, y_train, X_new, scale="none")


def _scaled_by_new(X_train, y_train, X_new):
    return _classify(X_train, y_train, X_new, scale="own")


def _indices(X_train, y_train, X_new):
    return _classify(X_train, y_train, X_new, labels=False)


def _manhattan(X_train, y_train, X_new):
    return _classify(X_train, y_train, X_new, metric="manhattan")


def _animals(n: int, seed: int) -> tuple[list, list]:
    """Cats (0) and dogs (1) by weight (kg) and height (cm), as the lesson makes them."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n)
    weight = np.where(labels == 0, rng.normal(4.5, 1.0, n), rng.normal(15, 5, n))
    height = np.where(labels == 0, rng.normal(25, 3, n), rng.normal(45, 8, n))
    return np.round(np.column_stack([np.clip(weight, 1.5, None), height]), 2).tolist(), [
        int(label) for label in labels
    ]


_X_ANIMALS, _Y_ANIMALS = _animals(60, 1)
_X_NEW_ANIMALS, _ = _animals(20, 2)
#: spend in dollars and visits a month: spend's large numbers decide alone unless scaled
_X_SHOP = [[250.0, 2.0], [260.0, 3.0], [240.0, 12.0], [250.0, 13.0]]
_Y_SHOP = [0, 0, 1, 1]
_X_SHOP_NEW = [[265.0, 11.0], [235.0, 3.0], [255.0, 12.5]]
#: three labels that are neither 0, 1, 2 nor in the order of their centroids
_X_THREE = [[0.0, 0.0], [1.0, 0.0], [10.0, 10.0], [11.0, 10.0], [0.0, 10.0], [1.0, 11.0]]
_Y_THREE = [7, 7, 2, 2, 5, 5]
_X_THREE_NEW = [[0.5, 9.0], [9.0, 9.5], [2.0, 1.0], [1.0, 8.0]]


def _classifier_case(X: list, y: list, X_new: list, what: str, label: str) -> Case:
    return Case(
        ({"array": X}, {"array": y}, {"array": X_new}), what, label=f"nearest_centroid_{label}"
    )


CLASSIFIER = implement(
    "l01-nearest-centroid-test",
    "nearest_centroid_classifier",
    (
        _classifier_case(
            [[0.0, 0.0], [2.0, 0.0], [8.0, 2.0], [10.0, 2.0]],
            [0, 0, 1, 1],
            [[1.0, 0.5], [9.0, 1.5]],
            "two groups, and a new row next to each",
            "classifier(X_train=[[0, 0], [2, 0], [8, 2], [10, 2]], y_train=[0, 0, 1, 1], "
            "X_new=[[1, 0.5], [9, 1.5]])",
        ),
        _classifier_case(
            [[7.0, 3.0], [0.0, 10.0], [7.0, 10.0], [9.0, 7.0]],
            [0, 0, 1, 1],
            [[10.0, 2.5], [1.5, 7.0], [7.0, 2.0]],
            "the distance is the squared straight-line one, summed over the features",
            "classifier(X_train=[[7, 3], [0, 10], [7, 10], [9, 7]], y_train=[0, 0, 1, 1], "
            "X_new=[[10, 2.5], [1.5, 7], [7, 2]])",
        ),
        _classifier_case(
            _X_SHOP,
            _Y_SHOP,
            _X_SHOP_NEW,
            "dollars against visits: without standardising, the spend decides alone",
            f"classifier(X_train={_X_SHOP}, y_train={_Y_SHOP}, X_new={_X_SHOP_NEW})",
        ),
        _classifier_case(
            _X_THREE,
            _Y_THREE,
            _X_THREE_NEW,
            "three labels, 7, 2 and 5: return the labels themselves, not positions",
            f"classifier(X_train={_X_THREE}, y_train={_Y_THREE}, X_new={_X_THREE_NEW})",
        ),
        Case(
            ({"array": _X_THREE}, ["cat", "cat", "dog", "dog", "fox", "fox"], _X_THREE_NEW),
            "labels may be strings, and the arguments plain lists",
            label="nearest_centroid_classifier on lists, with the labels 'cat', 'dog', 'fox'",
        ),
        _classifier_case(
            _X_ANIMALS,
            _Y_ANIMALS,
            _X_NEW_ANIMALS,
            "cats and dogs as the lesson makes them (60 to learn from, 20 new)",
            "classifier on 60 cats and dogs (weight kg, height cm) and 20 new animals",
        ),
        _classifier_case(
            _X_SHOP,
            _Y_SHOP,
            [[245.0, 7.0]],
            "one new row: m and s come from X_train (X_new's own are not defined here)",
            "classifier(X_train=..., X_new=[[245, 7]]): the shop's customers, one new row",
        ),
    ),
    nearest_centroid_classifier,
    compare=equal,
    driver=tagged_args,
    hints=(
        "learning is three things computed from the training set only: the mean and the "
        "standard deviation of each feature (to put the features in the same units), and, "
        "for each distinct label, the average of its standardised training rows; predicting "
        "standardises each new row the same way and picks the label of the closest average",
        "z = (x - m) / s with m and s from X_train; mu_c = (1/n_c) sum of z_i over the rows "
        "with y_i = c, for each label c; y_hat(x) = the label c with the smallest "
        "||z - mu_c||^2 = sum over features of (z_j - mu_cj)^2",
    ),
    mistakes=(
        Mistake(
            _unscaled,
            "the features were not standardised: dollars and visits are in "
            "different units, so the feature with the largest numbers decides alone",
        ),
        Mistake(
            _scaled_by_new,
            "the new rows were standardised with their own mean and "
            "standard deviation: use those of X_train, the same m and s as the centroids",
        ),
        Mistake(
            _indices,
            "those are positions of the centroids (0, 1, 2, ...): return the "
            "labels themselves, as y_train spells them",
        ),
        Mistake(
            _manhattan,
            "that is the sum of absolute differences: the distance here is "
            "the squared straight-line one",
        ),
    ),
    success="nearest_centroid_classifier learns one centroid per label and predicts the "
    "closest, in standardised units",
)

# --- Exercise 4: which family for which data? ------------------------------------------------

#: every family that is a correct choice for each data type, in upper case. The notes pair
#: text and time series with RNNs; LSTM and GRU are RNNs, and Transformers are today's
#: usual choice for text; a plain ANN is also called a multilayer perceptron (MLP).
FAMILIES: dict[str, frozenset[str]] = {
    "tabular": frozenset({"ANN", "MLP"}),
    "image": frozenset({"CNN"}),
    "video": frozenset({"CNN"}),
    "text": frozenset({"RNN", "LSTM", "GRU", "TRANSFORMER", "TRANSFORMERS"}),
    "time series": frozenset({"RNN", "LSTM", "GRU", "TRANSFORMER", "TRANSFORMERS"}),
}


def suggest_family(data_type: str) -> str:
    """Reference: the notes' family for each data type; ValueError naming any other."""
    families = {"tabular": "ANN", "image": "CNN", "video": "CNN", "text": "RNN"}
    families["time series"] = "RNN"
    if data_type not in families:
        raise ValueError(f"unknown data type {data_type!r}")
    return families[data_type]


def family_for(target, data_type):
    """Driver: ``target(data_type)`` as ``{"data_type", "family"}``, or, when it raised,
    ``{"data_type", "raised", "message"}`` (``"raised"`` is "ValueError" for any ValueError)."""
    try:
        family = target(data_type)
    except ValueError as error:
        return {"data_type": data_type, "raised": "ValueError", "message": str(error)[:200]}
    except NotImplementedError:
        raise
    except Exception as error:
        return {"data_type": data_type, "raised": type(error).__name__, "message": str(error)}
    if not isinstance(family, str):
        family = f"not a string: {family!r}"[:100]
    return {"data_type": data_type, "family": family}


def _family(expected: Any, got: Any) -> str | None:
    """Right when ``got`` names a family that suits its data type (when ``expected`` is the
    reference's, a right one) or the same family (when ``expected`` is a mistake's); for an
    unknown data type, right when it raised a ValueError naming the type."""
    if not isinstance(got, dict) or not isinstance(expected, dict):
        return f"expected a family, got {str(got)[:60]}"
    data_type = str(got.get("data_type"))
    accepted = FAMILIES.get(data_type)
    if accepted is None:
        if got.get("raised") == "ValueError" and data_type in str(got.get("message")):
            return None
        if got.get("raised") == "ValueError":
            return f"the ValueError should name the data type {data_type!r}"
        return f"expected a ValueError naming {data_type!r}, got {_said(got)}"
    if "raised" in got:
        return f"raised {got['raised']}: {str(got.get('message'))[:80]}"
    family = str(got.get("family")).strip().upper()
    if str(expected.get("family")).strip().upper() not in accepted:  # a mistake's answer
        return None if family == str(expected.get("family")).strip().upper() else "differs"
    if family in accepted:
        return None
    return f"expected one of {sorted(accepted)}, got {str(got.get('family'))[:60]!r}"


def _said(got: dict) -> str:
    if "raised" in got:
        return f"{got['raised']}: {str(got.get('message'))[:60]}"
    return repr(str(got.get("family"))[:60])


def _family_case(data_type: str, what: str) -> Case:
    return Case((data_type,), what, label=f"suggest_family({data_type!r})")


FAMILY = implement(
    "l01-suggest-family-test",
    "suggest_family",
    (
        _family_case("tabular", "columns of features with no order between them"),
        _family_case("image", "neighbouring pixels belong together"),
        _family_case("video", "a video is a sequence of images"),
        _family_case("text", "words come in order"),
        _family_case("time series", "time steps come in order"),
        _family_case("smell", "not one of the five data types: raise a ValueError naming it"),
    ),
    suggest_family,
    compare=_family,
    driver=family_for,
    hints=(
        "ask what structure the data has: columns of features have no order; neighbouring "
        "pixels belong together; words and time steps come in order. Each family is built "
        "for one of those structures",
        "no order: a plain network (ANN, also called MLP); a grid of pixels, one per frame "
        "for video: a network that looks at small patches (CNN); an ordered sequence: a "
        "network that reads it in order (RNN, LSTM, GRU) or attends to all of it "
        "(Transformer); anything else: raise ValueError with the data type in its message",
    ),
    mistakes=(
        Mistake(
            lambda data_type: "ANN",
            "a plain ANN ignores the structure of images and "
            "sequences: pick the family built for each structure",
        ),
        Mistake(
            lambda data_type: "RNN",
            "an RNN reads a sequence in order; an image, and each frame of a video, is a grid "
            "of pixels, and a table's columns have no order",
        ),
        Mistake(
            lambda data_type: "CNN",
            "a CNN looks at neighbouring pixels; a table's columns have no neighbours",
        ),
    ),
    success="suggest_family matches each data type with a family that respects its structure",
)

EXERCISES = [INERTIA, FORECAST, CLASSIFIER, FAMILY]
