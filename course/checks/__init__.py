"""Instant-feedback checks for the lessons' exercises.

Each check passes quietly with one success line, or raises AssertionError whose hint names
the first wrong case and what was expected. ``from course.checks import check_step`` works
for every lesson's checks; each lesson's live in ``course/checks/lessonNN.py``.
"""

from course.checks.lesson01 import (
    check_nearest_centroid,
    check_predict_next_month,
    check_suggest_family,
)
from course.checks.lesson02 import check_gflops, check_matmul_time_estimate, check_plateau_size
from course.checks.lesson03 import check_perceptron_update, check_step, check_weighted_sum
from course.checks.lesson04 import (
    check_best_line_prediction,
    check_majority_baseline,
    check_xor_weights,
)

__all__ = [
    "check_best_line_prediction",
    "check_gflops",
    "check_majority_baseline",
    "check_matmul_time_estimate",
    "check_nearest_centroid",
    "check_perceptron_update",
    "check_plateau_size",
    "check_predict_next_month",
    "check_step",
    "check_suggest_family",
    "check_weighted_sum",
    "check_xor_weights",
]
