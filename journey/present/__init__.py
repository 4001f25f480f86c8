"""Present and share: the report, the deck, narrative sentences and chart images.

The report is one self-contained HTML file, the deck a PPTX.

`opening` is what each app page asks the engine for, kept for a dataset's whole view, with
the settings the pages open with (`load` keeps them); `content` computes a report's figures,
tables and sentences once; `html` and `deck` render
them; `narrative` writes sentences from small result frames; `images` renders charts with
kaleido. This package may import every other journey package except `cli`.
"""
