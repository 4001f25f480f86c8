"""Getting data in and out: read, decode, map, parse, validate, stitch, load, store, export.

Owns everything between a user's file and accepted frames, the workspace file and safe
exports. May import only `journey.schema` and `journey.errors`.
"""
