"""The query layer: questions asked of event frames, as pure functions.

Owns path order and node paths (paths), flows (transitions, step flows, top paths, phase
flows), funnels and drop-off, grouping rules, team views, comparisons, one customer's profile,
node stats, phases, global filters, page scopes, conversion segments, channel metrics,
overview figures, and the DuckDB engine.
May import journey.schema, journey.errors and journey.io; never attribution, sentiment, viz,
sample or cli.
"""
