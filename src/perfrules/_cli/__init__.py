"""
The command-line interface, a thin layer over the public API.
"""

from .main import main

__all__ = ["main"]
