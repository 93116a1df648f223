"""The app's figures as files: `python -m ui.export TARGET --out FILE` (README,
"Figures for papers").

figure1: Compare's two charts at the paper's Figure 1 setting; phases: the Phases
page's charts of a run (the flags of `python -m neuronlab run`); toys NAME: a toy case;
explore: Explore's charts of a run, from its flags or from a JSON export of a run
(--run). Each is computed by the page's own task (ui.tasks) and drawn by the page's
own builders (ui.figures.pages): a chart on screen and on disk are one figure.

The extension of --out picks the format: .pdf, .png and .svg through Plotly's
static export (kaleido 1.x driving the system Chromium, never a downloaded
browser), .json as Plotly's figure JSON (plotly.io.read_json reads it back). A
target with one chart writes --out; one with several writes a file per chart,
--out's name plus "-CHART": run.pdf -> run-loss.pdf, run-inv_cbrt.pdf, ...
Inputs, --out and the browser are checked before anything is computed; a bad one
stops with the usage line and a message naming the flag (exit status 2).
"""

import argparse
import importlib.util
import os
import shutil
from pathlib import Path

from neuronlab.analysis.toys import COLLAPSE_NS, TOYS
from neuronlab.cli.commands import add_run_flags
from neuronlab.cli.inputs import InputError, writable_out
from ui.fields import TOY_CASES
from ui.figures import targets

FORMATS = (".pdf", ".png", ".svg", ".json")
RENDER_TRIES = 3  # kaleido renders, where its tab was not ready in time
WIDTH = 700  # px, Plotly's default: about one of the app's two chart columns
HEIGHT = 450  # px, for a figure that sets none
CHROMIUM = "/usr/bin/chromium"  # Debian's; BROWSER_PATH (choreographer's) overrides


def _scale(text: str) -> float:
    try:
        scale = float(text)
    except ValueError:
        scale = 0.0
    if not 0.5 <= scale <= 10:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number from 0.5 to 10")
    return scale


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ui.export",
        allow_abbrev=False,
        description="The lab's figures as PDF, PNG, SVG or Plotly JSON files, "
        "drawn by the app's own builders.",
    )
    choices = parser.add_subparsers(dest="target", required=True, metavar="TARGET")
    for name, build, text in (
        ("figure1", targets.figure1, "the paper's Figure 1: Compare's two charts"),
        ("phases", targets.phases, "the Phases page's seven charts of a run"),
        ("toys", targets.toys, "a toy case's chart"),
        ("explore", targets.explore, "Explore's charts of a run or of a saved run"),
    ):
        sub = choices.add_parser(name, allow_abbrev=False, help=text, description=text)
        sub.add_argument(
            "--out",
            type=Path,
            required=True,
            metavar="FILE",
            help="output: .pdf, .png, .svg or .json (Plotly's figure JSON); with "
            "several charts, one file per chart: FILE's name plus -CHART",
        )
        sub.add_argument(
            "--scale",
            type=_scale,
            default=3.0,
            help=f"PNG only: image pixels per chart pixel (default 3: {WIDTH} px "
            f"wide charts as {3 * WIDTH} px)",
        )
        sub.set_defaults(build=build, command_parser=sub)
        if name == "phases":
            add_run_flags(sub, weights=False)
        elif name == "explore":
            add_run_flags(sub)
            sub.add_argument(
                "--run",
                type=Path,
                metavar="FILE",
                help="a JSON export of a run (python -m neuronlab run --out F.json, or "
                "Explore's download): its records, drawn without running it again "
                "(no geometry chart: the file holds no coordinates per record)",
            )
        elif name == "toys":
            sub.add_argument("case", choices=tuple(TOYS), help="which toy case")
            sub.add_argument(
                "--n",
                type=int,
                choices=COLLAPSE_NS,
                default=TOY_CASES.field("n").default,
                help="students, for toy3, toy3+eps and remark26",
            )
    return parser


def static_export_ready(out: Path) -> None:
    """kaleido and a Chromium for a .pdf, .png or .svg (BROWSER_PATH set to it)."""
    if importlib.util.find_spec("kaleido") is None:
        raise InputError(
            "--out", f"a {out.suffix} needs kaleido: pip install -r requirements.txt"
        )
    found = CHROMIUM if os.access(CHROMIUM, os.X_OK) else shutil.which("chromium")
    path = os.environ.get("BROWSER_PATH") or found or CHROMIUM
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise InputError(
            "--out",
            f"a {out.suffix} is drawn by Chromium (Plotly's static export) and there "
            f"is none at {path}: install Debian's with `apt-get install chromium`, or "
            "set BROWSER_PATH to a Chrome or Chromium; a .json needs no browser",
        )
    os.environ["BROWSER_PATH"] = path


def files_of(out: Path, names) -> list[Path]:
    """--out for one chart; else one file per chart: run.pdf -> run-loss.pdf."""
    names = list(names)
    if len(names) == 1:
        return [out]
    return [out.with_name(f"{out.stem}-{name}{out.suffix}") for name in names]


def write(charts: dict, out: Path, scale: float = 3.0) -> list[Path]:
    """Every chart to its file (files_of) in --out's format; the files."""
    files, figures = files_of(out, charts), list(charts.values())
    if out.suffix == ".json":
        for fig, file in zip(figures, files, strict=True):
            file.write_text(fig.to_json())
        return files
    import kaleido  # one Chromium renders all the charts

    png = out.suffix == ".png"
    specs = [
        {
            "fig": fig.to_dict(),
            "path": file,
            "opts": {
                "format": out.suffix[1:],
                "width": fig.layout.width or WIDTH,
                "height": fig.layout.height or HEIGHT,
                "scale": scale if png else 1,
            },
        }
        for fig, file in zip(figures, files, strict=True)
    ]
    # Plotly's write_images drops kaleido's render errors: a chart would go missing.
    # On a loaded machine kaleido's tab may render before its own scripts have
    # loaded ("kaleido_scopes is not defined"): a fresh try renders the charts.
    for tries_left in reversed(range(RENDER_TRIES)):
        try:
            kaleido.write_fig_from_object_sync(specs, cancel_on_error=True)
            return files
        except Exception as error:
            if not tries_left or "is not defined" not in str(error):
                raise
    return files


def main(argv: list[str] | None = None) -> int:
    args, unknown = parser().parse_known_args(argv)
    if unknown:  # answered by the target's parser, so with its usage line
        args.command_parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        out = writable_out(args.out, FORMATS)
        compute = args.build(args)  # every input checked, nothing computed yet
        if out.suffix != ".json":
            static_export_ready(out)
        charts = compute()
        try:
            files = write(charts, out, args.scale)
        except OSError as error:
            raise InputError("--out", f"cannot write {out}: {error}") from None
    except InputError as error:
        args.command_parser.error(str(error))
    print(f"wrote {len(files)} file(s): {' '.join(map(str, files))}")
    return 0
