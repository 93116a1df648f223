"""python -m neuronlab: the command line (see neuronlab/cli/commands.py)."""

import sys

from neuronlab.cli.commands import main

sys.exit(main())
