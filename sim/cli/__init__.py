"""The ``carecap`` command line: one thin module per command.

Each command parses its arguments, calls library functions with plain values, and prints. This
is the application layer: the only part of ``carecap.sim`` that may import ``carecap.analysis``
(for tables, comparisons and plots), and nothing imports it.
"""
