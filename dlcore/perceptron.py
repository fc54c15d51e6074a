"""PLACEHOLDER: being written."""

class Perceptron:
    pass


