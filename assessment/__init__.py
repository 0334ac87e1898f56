"""centric: measure how aligned a management team is on customer centricity.

The application floor (io, store, service, cli, synthetic data); it imports ``reports``,
``scoring`` and ``questionnaires``, never the other way round. This module imports nothing.
"""

__version__ = "0.1.0"
