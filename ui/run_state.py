"""Explore's run buttons as a small explicit state machine (pure: no Streamlit).

A run is in one of five states; the user's clicks and the job's own ending are
events that move it; each state says which buttons can be pressed. The page
takes one snapshot of its job (`of_job`) and draws every button and the live
poll from that one snapshot, so the buttons can never say "running" (Stop only)
while nothing polls the job any more: that mix-up left Continue and Step
disabled for good after rapid Step clicks.
"""

from enum import StrEnum


class State(StrEnum):
    NONE = "none"  # no run yet: it waits for Run
    LIVE = "live"  # queued or computing: a poll follows it
    PAUSED = "paused"  # ended early with records to go on from (Stop, Step, cap)
    ENDED = "ended"  # ended early with nothing to go on from (error, freed)
    DONE = "done"  # ran to its end (completed, or diverged: nothing follows)


class Event(StrEnum):
    RUN = "run"  # Run, Reset (same seed), New seed: a new job from step 0
    STOP = "stop"
    CONTINUE = "continue"
    STEP = "step"
    FINISHED = "finished"  # the job's own end: whole
    PAUSED = "paused"  # ... early, with a resumable state
    FAILED = "failed"  # ... early, without one


class Button(StrEnum):
    RUN = "Run"
    STOP = "Stop"
    CONTINUE = "Continue"
    STEP = "Step"
    RESET = "Reset"


# Run and Reset always start afresh; the rest only where they mean something.
_ENABLED = {
    State.NONE: {Button.RUN, Button.RESET},
    State.LIVE: {Button.RUN, Button.RESET, Button.STOP},
    State.PAUSED: {Button.RUN, Button.RESET, Button.CONTINUE, Button.STEP},
    State.ENDED: {Button.RUN, Button.RESET},
    State.DONE: {Button.RUN, Button.RESET},
}
# A job's end moves only a live run; a click that does not apply changes nothing
# (a stale click from a redraw before: Continue on a run that already goes on).
_MOVES = {
    (Event.CONTINUE, State.PAUSED): State.LIVE,
    (Event.STEP, State.PAUSED): State.LIVE,
    (Event.FINISHED, State.LIVE): State.DONE,
    (Event.PAUSED, State.LIVE): State.PAUSED,
    (Event.FAILED, State.LIVE): State.ENDED,
}


def enabled(state: State) -> frozenset[Button]:
    """The buttons that can be pressed in `state`."""
    return frozenset(_ENABLED[state])


def move(state: State, event: Event) -> State:
    """The state after `event`. Stop asks a live job to end; the job's own end
    (FINISHED, PAUSED or FAILED) then moves it, so Stop alone changes nothing."""
    if event is Event.RUN:
        return State.LIVE
    return _MOVES.get((event, state), state)


def of_job(job) -> State:
    """The state of a ui.jobs.Job (or None): read once, used for every button.

    A finished job is DONE if it has its whole result or its last state is the
    run's end; PAUSED if its last partial state can be resumed; else ENDED."""
    if job is None:
        return State.NONE
    if not job.finished:
        return State.LIVE
    if job.result is not None:
        return State.DONE
    partial = job.partial
    if partial is None or job.released or job.error:
        return State.ENDED
    return State.DONE if partial.state.done else State.PAUSED
