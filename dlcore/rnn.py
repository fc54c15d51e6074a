"""PLACEHOLDER: being written."""

class RNNCell:
    pass


