"""Explore's seeds control at work: K seeds of the drawn run as a median and a band.

Streamlit glue over ui.ensemble_runner. The chosen seed is the live run; the
other K - 1 seeds compute in the background (ui.session.ensemble_registry), one
ensemble per session: a new config or K stops the previous one. While they
compute, a timed fragment shows their progress (touching the job, so it lives on)
and reruns the page when they are done. The band is drawn once the live run and
the extra seeds have both finished. With K = 1 nothing here runs.
"""

import streamlit as st

from ui.ensemble_runner import MAX_SECONDS, bands, plan
from ui.ensembles import BAND
from ui.runner import WAITING
from ui.session import ensemble_registry

ENSEMBLE = "explore_ensemble"
POLL_SECONDS = 0.75
# Extra seeds estimated this cheap are awaited in the request (like a short run),
# so a link opens on the band at once.
AWAIT_BELOW_SECONDS = 0.5
AWAIT_SECONDS = 0.8


def _follow(config, seeds: int):
    """(plan, job) of this session's ensemble for `config`; job None for one seed."""
    chosen = plan(config, seeds)
    previous = st.session_state.get(ENSEMBLE)
    if previous is not None and previous.config == chosen:
        return chosen, previous
    if previous is not None:
        previous.stop()  # one ensemble per session
        del st.session_state[ENSEMBLE]
    if chosen.seeds < 2:
        return chosen, None
    job = ensemble_registry().submit(chosen)
    st.session_state[ENSEMBLE] = job
    if chosen.seconds() <= AWAIT_BELOW_SECONDS:
        job.wait(AWAIT_SECONDS)
    return chosen, job


def _capped(chosen) -> None:
    first, asked_last = chosen.config.seed, chosen.config.seed + chosen.asked - 1
    covered = (
        f"the band covers seeds {first}–{chosen.last_seed}"
        if chosen.seeds > 1
        else "no band is drawn"
    )
    st.info(
        f"Seeds: {chosen.asked - 1} more runs of this length would take about "
        f"{chosen.seconds(chosen.asked):,.0f} s; this "
        f"server computes at most {MAX_SECONDS:g} s of extra seeds per view, so "
        f"{covered}. For more, use `python -m core sweep --seeds "
        f"{first}-{asked_last} ...` (see the README)."
    )


def _progress(job, rerun_when_done: bool) -> None:
    job.touch()
    if rerun_when_done and job.finished:
        st.rerun()  # the whole page once more: the band and no timer
    first, last = job.config.config.seed + 1, job.config.last_seed
    if job.phase == WAITING:
        text = f"Seeds {first}–{last}: waiting for another ensemble on this server…"
    else:
        text = (
            f"Seeds {first}–{last}: computing in the background "
            f"({len(job.frames)} of {job.config.seeds - 1} done); "
            "the band appears when they are done."
        )
    st.progress(job.progress, text=text)


def _caption(chosen, runs: int) -> None:
    low, high = (round(100 * q) for q in BAND)
    last = chosen.config.seed + runs - 1
    st.caption(
        f"Loss and L⁻¹ᐟ³ charts: shaded, the {low}–{high} % range over seeds "
        f"{chosen.config.seed}–{last} of this config, with their median; in black, "
        f"seed {chosen.config.seed} (the run below)."
    )


def draw(live, seeds: int):
    """Notices for K = `seeds` and the band of the live job's config (or None).

    live : the page's ui.runner.Job. Returns a core.ensemble_bands frame of loss
    and loss_inv_cbrt once the live run and the extra seeds have finished.
    """
    previous = st.session_state.get(ENSEMBLE)
    if seeds < 2 and previous is None:
        return None  # the default page: no ensemble, no estimate
    chosen, job = _follow(live.config, seeds)
    if chosen.seeds < chosen.asked:
        _capped(chosen)
    if job is None:
        return None
    if not job.finished:
        st.fragment(run_every=POLL_SECONDS)(_progress)(job, rerun_when_done=True)
        return None
    if job.error:
        st.error(f"The extra seeds stopped with an error: {job.error}")
    elif job.reason:
        st.info(f"Extra seeds {job.reason}; the band covers the seeds done.")
    trajectory, frames = live.trajectory(), job.result()
    if not frames or trajectory is None:
        return None
    if not live.finished:
        st.caption("Extra seeds done: the band is drawn when this run has finished.")
        return None
    _caption(chosen, 1 + len(frames))
    return bands(trajectory.metrics, frames)
