"""``python -m api …`` is the ``yichuang`` command."""

from api.cli import app

app(prog_name="yichuang")
