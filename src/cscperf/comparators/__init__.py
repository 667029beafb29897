"""Comparators: England, region and statistical-neighbour values from the DfE's published statistics."""
