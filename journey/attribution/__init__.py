"""Channel attribution: which channels earn the conversions and revenue.

Owns conversion path sets (paths), the heuristic, Markov and Shapley models, the entry points
and `AttributionSettings` (models), and uncertainty (bootstrap, lookback, disagreements).
May import journey.schema, journey.errors, journey.io and journey.query; never sentiment,
viz, sample or cli.
"""
