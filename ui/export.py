"""python -m ui.export TARGET --out FILE: the app's figures as files (PDF, PNG,
SVG, Plotly JSON); the work is in ui.figures.export."""

import sys

from ui.figures.export import main

if __name__ == "__main__":
    sys.exit(main())
