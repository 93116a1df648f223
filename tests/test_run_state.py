"""Explore's button state machine (ui.run_state): every transition against a
table written out here, every click sequence for a dead end, and the state read
from real jobs of the real registry (a run finished, stopped, paused by Step,
failed, stopped before it started)."""

import itertools

import pytest

from neuronlab import RunConfig
from ui import tasks
from ui.jobs import JobLimits, JobRegistry, Task
from ui.run_state import Button, Event, State, enabled, move, of_job

N, L, P, E, D = State.NONE, State.LIVE, State.PAUSED, State.ENDED, State.DONE
# Rows: the state before; columns: RUN STOP CONTINUE STEP FINISHED PAUSED FAILED.
EXPECTED = {
    N: (L, N, N, N, N, N, N),
    L: (L, L, L, L, D, P, E),
    P: (L, P, L, L, P, P, P),
    E: (L, E, E, E, E, E, E),
    D: (L, D, D, D, D, D, D),
}
EVENTS = (
    Event.RUN,
    Event.STOP,
    Event.CONTINUE,
    Event.STEP,
    Event.FINISHED,
    Event.PAUSED,
    Event.FAILED,
)
CLICKS = {  # the button that sends each user event
    Event.RUN: Button.RESET,
    Event.STOP: Button.STOP,
    Event.CONTINUE: Button.CONTINUE,
    Event.STEP: Button.STEP,
}


@pytest.mark.parametrize(
    ("state", "event"),
    list(itertools.product(State, EVENTS)),
    ids=lambda x: str(x),
)
def test_every_transition_matches_the_table(state, event):
    assert move(state, event) is EXPECTED[state][EVENTS.index(event)]


def test_the_table_covers_every_state_and_event():
    assert set(EXPECTED) == set(State)
    assert set(EVENTS) == set(Event)


@pytest.mark.parametrize("state", list(State), ids=str)
def test_each_state_enables_what_it_means(state):
    can = enabled(state)
    assert (Button.STOP in can) == (state is State.LIVE)
    assert (Button.CONTINUE in can) == (state is State.PAUSED)
    assert (Button.STEP in can) == (state is State.PAUSED)
    assert {Button.RUN, Button.RESET} <= can  # a way to start afresh, always


def test_no_click_sequence_reaches_a_dead_end():
    """Every sequence of 6 events from no run: a click on a disabled button
    changes nothing (a stale click is safe), and every state reached has an
    enabled button that moves it on, or is live with Stop enabled (a live run
    then ends by itself: FINISHED, PAUSED or FAILED)."""
    for sequence in itertools.product(EVENTS, repeat=6):
        state = State.NONE
        for event in sequence:
            after = move(state, event)
            if event in CLICKS and CLICKS[event] not in enabled(state):
                assert after is state, (sequence, event)
            state = after
            clicks = [e for e, b in CLICKS.items() if b in enabled(state)]
            moves = {move(state, e) for e in clicks} - {state}
            assert moves or Button.STOP in enabled(state), (sequence, state)


@pytest.fixture
def registry():
    found = JobRegistry(JobLimits(max_live=1, poll_timeout=60))
    yield found
    found.stop_all()


SMALL = RunConfig(n=2, d=3, steps=3_000)


def test_a_finished_run_is_done(registry):
    job = registry.submit(tasks.run(SMALL))
    assert job.wait(60)
    assert of_job(job) is State.DONE
    assert of_job(None) is State.NONE


def test_a_step_pauses_and_the_last_step_ends_it(registry):
    job = registry.submit(tasks.run(SMALL, steps=1_000), use_cache=False)
    assert job.wait(60)
    assert job.partial.state.step == 1_000  # the engine's own count, not ours
    assert of_job(job) is State.PAUSED
    state = job.partial.state
    last = registry.submit(tasks.run(SMALL, state, 2_000), use_cache=False)
    assert last.wait(60)
    assert of_job(last) is State.DONE


def test_a_run_stopped_midway_is_paused(registry):
    job = registry.submit(tasks.run(RunConfig(n=2, d=3, steps=10**9)))
    while job.partial is None:
        assert not job.wait(0.05)
    job.stop()
    assert job.wait(10)
    assert "stopped by the user" in job.reason
    assert of_job(job) is State.PAUSED


def test_a_job_stopped_before_it_started_has_nothing_to_resume(registry):
    blocker = registry.submit(Task("block", 1.0, _block))
    waiting = registry.submit(tasks.run(SMALL), use_cache=False)
    assert of_job(waiting) is State.LIVE
    waiting.stop()
    assert waiting.wait(10)
    assert of_job(waiting) is State.ENDED
    blocker.stop()


def test_a_failed_job_has_ended(registry):
    def fail(progress):
        raise ValueError("no")

    job = registry.submit(Task("fail", 0.0, fail))
    assert job.wait(10)
    assert job.error
    assert of_job(job) is State.ENDED


def _block(progress) -> None:
    while True:
        progress(0.0)
        progress.wait(0.05)
