"""Extractors trained in the app from the project's own labels (CPU only, nothing downloaded).

``train`` turns a layer's records into a model folder (``model``): one CRF sequence tagger per
tier of labels that never overlap (``tagger``, ``features``) and a speaker-link classifier over
(quote, actor) pairs (``linker``). ``evaluate`` scores a model against a layer.
"""
