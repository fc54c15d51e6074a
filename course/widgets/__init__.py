"""Interactive explorers: each function returns an ipywidgets object to display.

One module per explorer, on a shared base (figures drawn off-screen into an ``Image``, with a
text caption):

- :mod:`course.widgets.base`: ``interactive_view``, ``figure_png``, ``caption_html``;
- :mod:`course.widgets.stepper`: the perceptron stepper (lesson 03);
- :mod:`course.widgets.activations`: the activation explorer;
- :mod:`course.widgets.playground`: the playground (lesson 04);
- :mod:`course.widgets.forward`: the forward-pass explorer (lesson 05);
- :mod:`course.widgets.learning_rate`: the learning-rate explorer (lesson 09);
- :mod:`course.widgets.vanishing`: the vanishing-gradient dashboard (lesson 10).
"""

from course.widgets.activations import ActivationExplorer, activation_explorer
from course.widgets.base import InteractiveView, caption_html, figure_png, interactive_view
from course.widgets.forward import ForwardExplorer, forward_explorer
from course.widgets.learning_rate import LearningRateExplorer, learning_rate_explorer
from course.widgets.playground import Playground, playground
from course.widgets.stepper import PerceptronStepper, perceptron_stepper
from course.widgets.vanishing import VanishingDashboard, vanishing_dashboard

__all__ = [
    "ActivationExplorer",
    "ForwardExplorer",
    "InteractiveView",
    "LearningRateExplorer",
    "PerceptronStepper",
    "Playground",
    "VanishingDashboard",
    "activation_explorer",
    "caption_html",
    "figure_png",
    "forward_explorer",
    "interactive_view",
    "learning_rate_explorer",
    "perceptron_stepper",
    "playground",
    "vanishing_dashboard",
]
