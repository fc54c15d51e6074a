"""PLACEHOLDER: being written."""

class SGD:
    pass


class Adam:
    pass


class Optimizer:
    pass


