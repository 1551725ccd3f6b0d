"""
The explain phase: trace records for a result, and their renderers.
"""

from .render import LANGUAGES, render_json, render_text
from .trace import Explanation, Line, explain

__all__ = ["LANGUAGES", "Explanation", "Line", "explain", "render_json", "render_text"]
