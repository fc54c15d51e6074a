"""PLACEHOLDER: being written."""


def register(sub):
    pass
