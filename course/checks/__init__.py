"""Instant-feedback checks for the lessons' exercises.

Each check passes quietly with one success line, or raises ``CheckFailed`` (an
AssertionError that IPython shows as its message alone, without a traceback) whose hint
names the first wrong case and what was expected. ``from course.checks import
check_weighted_sum`` works for every lesson's checks; each lesson's live in
``course/checks/lessonNN.py``.
"""

from course.checks.lesson01 import (
    check_inertia_prediction,
    check_nearest_centroid,
    check_predict_next_month,
    check_suggest_family,
)
from course.checks.lesson02 import (
    check_doubling_prediction,
    check_gflops,
    check_plateau_size,
)
from course.checks.lesson03 import (
    check_gap_prediction,
    check_perceptron_update,
    check_weighted_sum,
)
from course.checks.lesson04 import (
    check_best_line_prediction,
    check_majority_baseline,
    check_xor_weights,
)
from course.checks.lesson05 import (
    check_cross_entropy,
    check_layer_shape_prediction,
    check_softmax,
)
from course.checks.lesson06 import (
    check_bce_loss,
    check_hidden_activations,
    check_hidden_weight_gradients,
    check_zero_gradient_prediction,
)
from course.checks.lesson07 import (
    check_best_epoch,
    check_overfitting_prediction,
    check_sgd_epoch,
)
from course.checks.lesson08 import (
    check_forgetful_dense,
    check_neuron_gradients,
    check_saturation_prediction,
)
from course.checks.lesson09 import (
    check_largest_stable_lr,
    check_unit_step_prediction,
)
from course.checks.lesson10 import (
    check_first_weight_gradient,
    check_largest_gradient_prediction,
    check_smallest_depth,
)
from course.checks.lesson11 import (
    check_attention_weights,
    check_conv_layer_prediction,
    check_iou,
)
from course.checks.lesson12 import (
    check_accumulation_prediction,
    check_to_torch_state,
    check_training_step_order,
)

__all__ = [
    "check_accumulation_prediction",
    "check_attention_weights",
    "check_bce_loss",
    "check_best_epoch",
    "check_best_line_prediction",
    "check_conv_layer_prediction",
    "check_cross_entropy",
    "check_doubling_prediction",
    "check_first_weight_gradient",
    "check_forgetful_dense",
    "check_gap_prediction",
    "check_gflops",
    "check_hidden_activations",
    "check_hidden_weight_gradients",
    "check_inertia_prediction",
    "check_iou",
    "check_largest_gradient_prediction",
    "check_largest_stable_lr",
    "check_layer_shape_prediction",
    "check_majority_baseline",
    "check_nearest_centroid",
    "check_neuron_gradients",
    "check_overfitting_prediction",
    "check_perceptron_update",
    "check_plateau_size",
    "check_predict_next_month",
    "check_saturation_prediction",
    "check_sgd_epoch",
    "check_smallest_depth",
    "check_softmax",
    "check_suggest_family",
    "check_to_torch_state",
    "check_training_step_order",
    "check_unit_step_prediction",
    "check_weighted_sum",
    "check_xor_weights",
    "check_zero_gradient_prediction",
]
