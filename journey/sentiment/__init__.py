"""Transcript sentiment: language, turns, the English lexicon, the model, scoring, insights.

Owns language identification (language), speaker turns and label spellings (turns), the
English lexicon scorer and its word lists (lexicon, lexicon_data), the trainable model and
the shipped models (model, crossfit, models/), scoring and conversation summaries (score), and
drivers, topics and links to journey events (insights). May import journey.schema,
journey.errors, journey.io and journey.query; never attribution, viz, sample or cli.
"""
