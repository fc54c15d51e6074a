"""The course's figures: data, decision boundaries, loss curves, activations, networks.

Every function returns its matplotlib ``Figure``. With ``ax=None`` it opens a new pyplot
figure, which Jupyter shows at the end of the cell (assign the result, ``fig = ...``, or end
the line with ``;`` so it is not shown twice); given an ``ax`` it draws there, which is how
the widgets reuse these figures off-screen. Colours come from ``course.palette``.

The figures used by several lessons live by family (``boundaries``, ``curves``,
``networks``); a figure of one lesson only lives in that lesson's module (``lesson01``,
...), and the playground's picture in ``playground``. The notebooks call them all from
here, ``plots.plot_data(...)``. What the figures compute without drawing (a forward pass, a
perceptron's accuracy per epoch, one neuron's gradients) is in ``course.values``.
"""

from __future__ import annotations

from course.plots.boundaries import draw_line, plot_data, plot_decision_boundary, shade_regions
from course.plots.curves import plot_activations, plot_loss_curves, plot_overfitting
from course.plots.lesson01 import (
    plot_groups,
    plot_holdout_fit,
    plot_labelled_split,
    plot_nested_rings,
)
from course.plots.lesson02 import plot_learning_curves, plot_matmul_scaling, plot_timeline
from course.plots.lesson03 import (
    plot_accuracy_per_epoch,
    plot_go_outside,
    plot_line_and_circle,
    plot_perceptron_state,
    plot_update,
    plot_update_replay,
)
from course.plots.lesson04 import plot_accuracy_bars, plot_hidden_lines, plot_line_moves
from course.plots.lesson07 import plot_predictions
from course.plots.lesson08 import plot_descent_paths, plot_neuron_graph
from course.plots.lesson09 import plot_descent, plot_speed_control
from course.plots.lesson10 import plot_gradient_norms, plot_loss_per_epoch, plot_training_runs
from course.plots.lesson11 import (
    plot_attention,
    plot_detections,
    plot_feature_maps,
    plot_hidden_states,
)
from course.plots.networks import MAX_UNITS, plot_forward_pass, plot_network
from course.plots.playground import plot_playground

# course.widgets.forward imports these two from here; their home is course.values
from course.values import dense_layers, forward_values

__all__ = [
    # shared figures and drawing helpers
    "draw_line",
    "plot_activations",
    "plot_data",
    "plot_decision_boundary",
    "plot_loss_curves",
    "plot_overfitting",
    "shade_regions",
    # network diagrams
    "MAX_UNITS",
    "plot_forward_pass",
    "plot_network",
    # one lesson each, in lesson order
    "plot_groups",
    "plot_holdout_fit",
    "plot_labelled_split",
    "plot_nested_rings",
    "plot_learning_curves",
    "plot_matmul_scaling",
    "plot_timeline",
    "plot_accuracy_per_epoch",
    "plot_go_outside",
    "plot_line_and_circle",
    "plot_perceptron_state",
    "plot_update",
    "plot_update_replay",
    "plot_accuracy_bars",
    "plot_hidden_lines",
    "plot_line_moves",
    "plot_playground",
    "plot_predictions",
    "plot_descent_paths",
    "plot_neuron_graph",
    "plot_descent",
    "plot_speed_control",
    "plot_gradient_norms",
    "plot_loss_per_epoch",
    "plot_training_runs",
    "plot_attention",
    "plot_detections",
    "plot_feature_maps",
    "plot_hidden_states",
    # re-exported from course.values for course.widgets.forward
    "dense_layers",
    "forward_values",
]
