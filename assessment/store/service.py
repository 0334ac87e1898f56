"""Deprecated alias of :mod:`assessment.store.repository` (kept for one release; import from there
or from :mod:`assessment.store`).

The store's operations on waves, reports and action status were a module named ``service``,
which read as the application's use cases (:mod:`assessment.service`); it is a repository.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assessment._moved import forwarder

if TYPE_CHECKING:
    from assessment.store.repository import WriteResult as WriteResult
    from assessment.store.repository import action_statuses as action_statuses
    from assessment.store.repository import bound_instruments as bound_instruments
    from assessment.store.repository import export_records as export_records
    from assessment.store.repository import list_waves as list_waves
    from assessment.store.repository import load_wave_responses as load_wave_responses
    from assessment.store.repository import open_engine as open_engine
    from assessment.store.repository import record_report as record_report
    from assessment.store.repository import reports as reports
    from assessment.store.repository import set_action_status as set_action_status
    from assessment.store.repository import using_engine as using_engine
    from assessment.store.repository import write_wave as write_wave
    from assessment.store.repository import write_waves as write_waves

__getattr__ = forwarder(__name__, ["assessment.store.repository"])
