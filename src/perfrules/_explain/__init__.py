"""
The explain phase: trace records for a result, their renderers, and the message catalogues they word them with.
"""

from .catalogues import Catalogue, catalogue, languages, load_catalogue
from .history import history_lines, history_words
from .render import LANGUAGES, render_json, render_text
from .trace import Explanation, Line, explain

__all__ = [
    "LANGUAGES",
    "Catalogue",
    "Explanation",
    "Line",
    "catalogue",
    "explain",
    "history_lines",
    "history_words",
    "languages",
    "load_catalogue",
    "render_json",
    "render_text",
]
