"""PLACEHOLDER: being written."""

class BatchNorm:
    pass


class Dense:
    pass


class Layer:
    pass


class Residual:
    pass


