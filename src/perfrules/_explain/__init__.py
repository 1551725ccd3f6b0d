"""
The explain phase: trace records for a result, their renderers, and the message catalogues they word them with.
"""

from .catalogues import Catalogue, catalogue, languages, load_catalogue
from .render import LANGUAGES, render_json, render_text
from .trace import Explanation, Line, explain

__all__ = [
    "LANGUAGES",
    "Catalogue",
    "Explanation",
    "Line",
    "catalogue",
    "explain",
    "languages",
    "load_catalogue",
    "render_json",
    "render_text",
]
