"""Markovian configurations whose answers queueing theory knows (M/M/c and relatives), built as
ordinary scenarios: used by the validation tests, the benchmarks and ``carecap validate``."""
