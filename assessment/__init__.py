"""centric: measure how aligned a management team is on customer centricity.

This package imports nothing on purpose (``scoring`` imports ``assessment.model`` for its types).
"""

__version__ = "0.1.0"
