"""Field values from positioned text, and the parsers for what the fields hold.

Pure functions over `prereview.documents` values: no images, no settings, no I/O. Dates and periods
are read by `rules.dates`, the one date reader.
"""

from prereview.extract.fields import FieldReading, FieldStatus, find_field, find_fields
from prereview.extract.numbers import (
    NumberCheck,
    Problem,
    check_id_number,
    check_uscc,
    find_id_numbers,
    find_usccs,
)
from prereview.extract.values import Amount, Plate, checkbox_marks, find_plates, parse_amount, parse_plate

__all__ = [
    "Amount",
    "FieldReading",
    "FieldStatus",
    "NumberCheck",
    "Plate",
    "Problem",
    "check_id_number",
    "check_uscc",
    "checkbox_marks",
    "find_field",
    "find_fields",
    "find_id_numbers",
    "find_plates",
    "find_usccs",
    "parse_amount",
    "parse_plate",
]
