"""
The plugin seam: metric types and their registry.
"""

from .dates import parse_date
from .numbers import NumberError, NumberFormat, current_format, number_format, parse_number
from .registry import (
    ENTRY_POINT_GROUP,
    MetricType,
    RawValue,
    metric_type,
    metric_types,
    register_metric_type,
    to_decimal,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "MetricType",
    "NumberError",
    "NumberFormat",
    "RawValue",
    "current_format",
    "metric_type",
    "metric_types",
    "number_format",
    "parse_date",
    "parse_number",
    "register_metric_type",
    "to_decimal",
]
