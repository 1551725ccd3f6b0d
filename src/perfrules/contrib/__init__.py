"""
Example plugins shipped with perfrules, registered through the public entry-point seam.
"""

__all__: list[str] = []
