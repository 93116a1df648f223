"""python -m ui.export: every target and format really written, the very figures
the app shows, and bad input refused before anything is computed (exit status 2).

Refused commands carry hours of work (1e10 steps) or an engine that fails if
called. The exports share one kaleido server (one Chromium) for the module.
"""

import concurrent.futures
import json
import os
import struct
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import neuronlab
from neuronlab import RunConfig, simulate
from neuronlab.export import to_json
from ui.cache import engine_warm_up, job_registry
from ui.figures import export
from ui.figures.pages import contrast_config, explore_figures, html_page
from ui.page import PLOTLY_CONFIG

ROOT = Path(__file__).resolve().parents[1]
SMALL = ["--n", "2", "--d", "5", "--steps", "1000"]
CONFIG = RunConfig(n=2, d=5, steps=1000)
EXPLORE = ["loss", "inv_cbrt", "angles", "balance", "norms", "potential", "geometry"]
HOURS = ["--steps", "1e10"]
TIMEOUT = 60


@pytest.fixture(scope="module")
def chromium():
    """One kaleido server for every export here (each call would start a browser)."""
    import kaleido

    before = os.environ.get("BROWSER_PATH")
    export.static_export_ready(Path("probe.png"))
    kaleido.start_sync_server(silence_warnings=True)
    yield
    kaleido.stop_sync_server(silence_warnings=True)
    if before is None:
        os.environ.pop("BROWSER_PATH")


def charts_of(config: RunConfig) -> dict:
    """Explore's charts of `config`, as the page draws them."""
    contrast = contrast_config(config)
    return explore_figures(simulate(config), simulate(contrast).metrics)


def svg_texts(path: Path) -> set[str]:
    """Every text of an SVG (which must parse), zero-width spaces dropped."""
    texts = (
        t.replace("\u200b", "").strip() for t in ET.parse(path).getroot().itertext()
    )
    return {t for t in texts if t}


@pytest.mark.slow  # seconds of compute: the full suite runs it
def test_explore_writes_one_png_per_chart_at_three_times_its_size(tmp_path, chromium):
    export.main(["explore", *SMALL, "--out", str(tmp_path / "run.png")])
    charts = charts_of(CONFIG)
    assert list(charts) == EXPLORE
    for name, fig in charts.items():
        head = (tmp_path / f"run-{name}.png").read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n"
        assert head[12:16] == b"IHDR"  # its width and height follow
        assert struct.unpack(">II", head[16:24]) == (3 * 700, 3 * fig.layout.height)


@pytest.mark.slow  # a Phases run and a kaleido render per chart (8 s here)
def test_phases_writes_one_pdf_per_chart(tmp_path, chromium):
    flags = ["--n", "2", "--d", "5", "--sigma", "1e-3", "--eta", "0.05"]
    export.main(["phases", *flags, "--steps", "2000", "--out", str(tmp_path / "p.pdf")])
    names = ["loss", "h", "angles", "lines", "norms", "balance", "spectrum"]
    for name in names:
        pdf = (tmp_path / f"p-{name}.pdf").read_bytes()
        assert pdf.startswith(b"%PDF-")
        assert pdf.rstrip().endswith(b"%%EOF")
    assert len(list(tmp_path.iterdir())) == len(names)


def test_a_toy_case_is_one_svg_that_holds_its_axis_titles(tmp_path, chromium):
    out = tmp_path / "toy1.svg"
    export.main(["toys", "toy1", "--out", str(out)])
    assert list(tmp_path.iterdir()) == [out]
    assert {"loss L", "t = η · step"} <= svg_texts(out)  # its x and y axis titles


def test_figure1_writes_its_two_charts(tmp_path, chromium):
    export.main(["figure1", "--out", str(tmp_path / "fig1.svg")])
    loss, exponent = (
        svg_texts(tmp_path / f"fig1-{n}.svg") for n in ("loss", "exponent")
    )
    assert {"iteration T", "loss L"} <= loss
    assert {"iteration T", "ln L / ln(ηT)"} <= exponent


def test_a_saved_run_draws_its_records_as_the_run_did(tmp_path):
    """Every chart but the geometry (the file holds no coordinates per record)."""
    run = tmp_path / "run.json"
    run.write_text(to_json(simulate(CONFIG)))
    export.main(["explore", "--run", str(run), "--out", str(tmp_path / "s.json")])
    for name, fig in charts_of(CONFIG).items():
        file = tmp_path / f"s-{name}.json"
        assert file.is_file() == (name != "geometry")
        if name != "geometry":
            assert json.loads(file.read_text()) == json.loads(fig.to_json()), name


def test_on_screen_and_on_disk_are_one_figure(tmp_path):
    """Explore's seven charts as the page sent them == the exported figure JSON."""
    main = sys.modules["__main__"]
    assert engine_warm_up().wait(120)
    at = AppTest.from_file(str(ROOT / "router.py"), default_timeout=30)
    for name, value in zip(SMALL[::2], SMALL[1::2], strict=True):
        at.query_params[name.lstrip("-")] = value
    at.run()
    deadline = time.monotonic() + 30
    while any(b.label == "Stop" and not b.disabled for b in at.button):
        assert time.monotonic() < deadline, "the run did not finish"
        time.sleep(0.3)
        at.run()
    job_registry().stop_all()
    sys.modules["__main__"] = main  # AppTest leaves router.py there
    assert not at.exception
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    # The home page's hero (n = 1 against the run) is no chart of the run's own.
    specs = [s for s in specs if not s["layout"]["uirevision"].startswith("hero|")]
    shown = {spec["layout"]["title"]["text"]: spec for spec in specs}
    export.main(["explore", *SMALL, "--out", str(tmp_path / "x.json")])
    for name in EXPLORE:
        written = json.loads((tmp_path / f"x-{name}.json").read_text())
        assert shown.pop(written["layout"]["title"]["text"]) == written, name
    assert not shown


def test_all_figures_is_one_offline_html_whose_charts_save_svg():
    charts = charts_of(CONFIG)
    page = html_page(charts, "Explore: n = 2", PLOTLY_CONFIG)
    assert page.count("plotly.js v") == 1  # the library, embedded once
    assert page.count("Plotly.newPlot(") == len(charts) == 7
    assert '"format": "svg"' in page
    assert PLOTLY_CONFIG["toImageButtonOptions"] == {"format": "png", "scale": 3}
    assert "<script src=" not in page  # nothing fetched: it works offline


NOT_A_RUN = '{"config": {"n": 2}, "records": {"step": [0, 1]}, "status": "completed"}'
# case: (argv, the flag named, words of the message); run in a subprocess.
SUBPROCESS = {
    "unknown target": (["figure2", "--out", "x.pdf"], "TARGET", "invalid choice"),
    "extension": (["explore", *HOURS, "--out", "x.gif"], "--out", ".pdf or .png"),
    "bad value": (["phases", "--n", "0", *HOURS, "--out", "x.svg"], "--n", "n must"),
    "run not JSON": (["explore", "--run", "bad.json", "--out", "x.pdf"], "--run", ""),
    "no Chromium": (
        ["explore", *HOURS, "--out", "x.png"],
        "--out",
        "apt-get install chromium",
    ),
}
# The same answer in this process, with an engine that fails the test if called.
PDF = ["--out", "x.pdf"]
IN_PROCESS = {
    "unknown toy": (["toys", "toy9", *PDF], "case", "invalid choice"),
    "no folder": (["explore", "--out", "no/x.pdf"], "--out", "does not exist"),
    "out is a folder": (["explore", "--out", "dir.pdf"], "--out", "directory"),
    "unknown flag": (["explore", "--m", "2", *PDF], "--m", "unrecognized"),
    "scale": (["explore", "--scale", "0", "--out", "x.png"], "--scale", "0.5 to 10"),
    "phases method": (["phases", "--method", "flow", *PDF], "--method", ""),
    "phases weights": (["phases", "--W0", "w.npy", *PDF], "--W0", ""),
    "run not a run": (["explore", "--run", "other.json", *PDF], "--run", "metrics"),
    "run and flags": (
        ["explore", "--run", "r.json", "--d", "3", *PDF],
        "--run",
        "without",
    ),
    "run missing": (["explore", "--run", "none.json", *PDF], "--run", ""),
}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    """A folder with a file that is not JSON, one that is not a run, a folder."""
    folder = tmp_path_factory.mktemp("refused")
    (folder / "bad.json").write_text("{")
    (folder / "other.json").write_text(NOT_A_RUN)
    (folder / "dir.pdf").mkdir()
    return folder


def _refused(argv: list[str], folder: Path) -> subprocess.CompletedProcess:
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    env["BROWSER_PATH"] = str(folder / "no-chromium")  # only "no Chromium" gets there
    return subprocess.run(
        [sys.executable, "-m", "ui.export", *argv],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


@pytest.fixture(scope="module")
def refusals(inputs) -> dict[str, subprocess.CompletedProcess]:
    """Every SUBPROCESS case, two at a time (the machine's cores)."""
    argvs = [argv for argv, _, _ in SUBPROCESS.values()]
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        done = pool.map(_refused, argvs, [inputs] * len(argvs))
        return dict(zip(SUBPROCESS, done, strict=True))


def check_refusal(code, stderr: str, flag: str, words: str) -> None:
    assert code == 2, stderr
    assert stderr.startswith("usage: python -m ui.export")
    assert flag in stderr.splitlines()[-1]
    assert words in stderr.splitlines()[-1]
    assert "Traceback" not in stderr


# slow: a process per case (its imports); the tier without slow marks keeps the rest.
@pytest.mark.slow
@pytest.mark.parametrize("case", list(SUBPROCESS))
def test_the_module_refuses_bad_input_with_usage_and_no_traceback(case, refusals):
    process, (_, flag, words) = refusals[case], SUBPROCESS[case]
    check_refusal(process.returncode, process.stderr, flag, words)
    assert not process.stdout  # "wrote ..." never printed


def _no_engine(*args, **kwargs):
    raise AssertionError("computed before every input was checked")


@pytest.mark.parametrize("case", list(IN_PROCESS))
def test_bad_input_is_refused_before_anything_is_computed(
    case, inputs, monkeypatch, capsys
):
    argv, flag, words = IN_PROCESS[case]
    monkeypatch.chdir(inputs)
    for name in ("simulate", "start_run"):
        monkeypatch.setattr(neuronlab, name, _no_engine)
    with pytest.raises(SystemExit) as stop:
        export.main(argv)
    check_refusal(stop.value.code, capsys.readouterr().err, flag, words)
    assert {p.name for p in inputs.iterdir()} == {"bad.json", "dir.pdf", "other.json"}
