"""A griffe extension for the generated API reference: Sphinx roles (:class:`X`) read as code (`X`)."""

import re

from griffe import Extension

_ROLE = re.compile(r":(?:class|func|meth|attr|data|exc|mod|obj):`~?([^`]+)`")


class SphinxRoles(Extension):
    """Rewrite ``:class:`perfrules.X``` as ```perfrules.X``` in every docstring before it is rendered."""

    def on_instance(self, *, obj, **kwargs):
        if obj.docstring is not None:
            obj.docstring.value = _ROLE.sub(r"`\1`", obj.docstring.value)
