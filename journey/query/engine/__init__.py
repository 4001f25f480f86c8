"""The query engine: every aggregation as SQL written once, run on DuckDB or Spark.

`sql` builds the text (identifiers, literals, translation to other dialects), `runner`
executes it; the other modules hold one query family each. Inputs are relations holding
prepared events in the canonical columns (see `prepare`); outputs are the small frames
charts and CSV files need. The pandas code in `tests/oracle/` is the reference.
"""
