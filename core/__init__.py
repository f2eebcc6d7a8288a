"""Bottom layer of yichuang: settings, database, the error family and the text and file helpers every
layer shares. Imports nothing of ours.

Public modules (what other packages import; tests/test_packages.py holds them to it): ``config``
(settings), ``db`` (engine, sessions), ``errors`` (the error family), ``files`` (atomic writes),
``memory`` (bulk work with the collector paused), ``privacy`` (masking), ``text`` (the full-width
fold), ``tokens`` (random tokens and their digests).
"""

__all__ = ["config", "db", "errors", "files", "memory", "privacy", "text", "tokens"]
