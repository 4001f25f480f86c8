"""Figures and maps: one palette, the Sankeys, the other plotly charts, the network page.

Owns every plotly figure and the offline pyvis network HTML; computes layout only. May import
schema, errors, io, query, attribution and sentiment (left of it in the arrow), never sample
or cli; today it needs schema, errors and io.export (escaping) only.
"""
