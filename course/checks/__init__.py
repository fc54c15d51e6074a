"""Instant-feedback checks for the lessons' exercises.

Each check passes quietly with one success line, or raises AssertionError whose hint names
the first wrong case and what was expected.
"""
