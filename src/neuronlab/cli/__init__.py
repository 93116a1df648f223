"""The command line: `python -m neuronlab run|sweep|beyond ...` (or `neuronlab ...`)."""

from neuronlab.cli.commands import main

__all__ = ["main"]
