"""Reading and writing response data (CSV, JSON; XLSX in :mod:`assessment.io.xlsx`).

The loading contract other layers code against::

    parse_long_rows(rows, *, source, sheet=None, first_row=2) -> (records, problems)
    parse_wide_rows(rows, *, source, sheet=None, first_row=2, wave=None) -> (records, problems)
    records_to_response_set(instrument, records, *, source, problems=()) -> ResponseSet
        (defined in :mod:`questionnaires.answers`; re-exported here, as are ``WaveInfo`` and
        ``choose_instrument``)
    read_responses(path, instrument=None, *, wave=None) -> ResponseSet
    read_file(path, *, wave=None) -> ReadResult(records, problems, declared, layout, sheet)
    read_records(path, *, wave=None) -> (records, problems, declared instruments by wave)

Modules, each importing only those before it: ``cells`` (formula neutralising) and ``headers``
(column and sheet names, layouts) are leaves; ``rows`` parses rows into records; ``xlsx``,
``template`` and ``responses`` (the file readers) build on them; ``export`` and ``writers`` write.

Importing this package is cheap; numpy is imported only when arrays are built.
"""

from assessment.io.atomic import atomic_open, atomic_write_bytes, atomic_write_text
from assessment.io.responses import (
    ReadResult,
    declared_instrument,
    detect_layout,
    parse_long_rows,
    parse_wide_rows,
    read_file,
    read_records,
    read_responses,
    read_rows,
    read_wave,
)
from assessment.io.writers import write_csv, write_json
from questionnaires.answers import WaveInfo, choose_instrument, records_to_response_set

__all__ = [
    "ReadResult",
    "WaveInfo",
    "atomic_open",
    "atomic_write_bytes",
    "atomic_write_text",
    "choose_instrument",
    "declared_instrument",
    "detect_layout",
    "parse_long_rows",
    "parse_wide_rows",
    "read_file",
    "read_records",
    "read_responses",
    "read_rows",
    "read_wave",
    "records_to_response_set",
    "write_csv",
    "write_json",
]
