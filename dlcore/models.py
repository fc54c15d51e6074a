"""PLACEHOLDER: being written."""

class MLP:
    pass


class History:
    pass


class Sequential:
    pass


