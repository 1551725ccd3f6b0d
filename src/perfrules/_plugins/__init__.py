"""
The plugin seam: metric types and their registry.
"""

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
    "RawValue",
    "metric_type",
    "metric_types",
    "register_metric_type",
    "to_decimal",
]
