"""python -m ui.export TARGET --out FILE: figures as files (ui.figures.export)."""

import sys

from ui.figures.export import main

if __name__ == "__main__":
    sys.exit(main())
