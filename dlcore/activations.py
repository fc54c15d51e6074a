"""PLACEHOLDER: being written."""

