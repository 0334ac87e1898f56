"""Versioned questionnaire instruments shipped with centric: ``<instrument-id>/<semver>.yaml``.

``lock.json`` records the content hash of every published version.
"""
