"""Pandas reference builds of what production computes on the engine (test oracles only)."""
