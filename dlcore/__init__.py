"""dlcore: the small numpy neural-network library that the course builds and uses.

Rows are samples: ``X`` has shape ``(n_samples, n_features)`` and a dense layer computes
``Z = X @ W + b``. Everything is float64 so that gradient checks are exact.
"""

from . import activations, datasets, initializers, losses, validation
from .conv import conv2d
from .gradcheck import gradcheck, numerical_gradient
from .layers import BatchNorm, Dense, Layer, Residual
from .models import MLP, History, Sequential
from .optimizers import SGD, Adam, Optimizer
from .perceptron import Perceptron
from .rnn import RNNCell

__version__ = "0.1.0"

__all__ = [
    "MLP",
    "SGD",
    "Adam",
    "BatchNorm",
    "Dense",
    "History",
    "Layer",
    "Optimizer",
    "Perceptron",
    "RNNCell",
    "Residual",
    "Sequential",
    "activations",
    "conv2d",
    "datasets",
    "gradcheck",
    "initializers",
    "losses",
    "numerical_gradient",
    "validation",
]
