"""Inference on fitted ratings: the count-based bootstrap, gap tests, quasi-variances and
rank confidence sets."""
