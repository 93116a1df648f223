"""A reloaded tab gets its work back: the session is new, the jobs are not.

A reload ends the tab's session and opens another with the same URL. A job the
old tab left still computing is taken over (followed from here, as if never
left); Explore's run that the tab left paused is kept in the registry's cache,
so it comes back paused at the same step (Continue goes on from there) rather
than starting again from step 0. A finished run comes back from the cache.
"""

from streamlit import runtime

from ui import cache, run_state
from ui.jobs import Job

PAUSED = "paused run"  # (PAUSED, task key) -> (reason, Live, owner) in the cache


def _tab_closed(session: str) -> bool:
    """Whether `session` no longer has a browser tab (False without a server)."""
    return runtime.exists() and not runtime.get_instance().is_active_session(session)


def adopt(key, me: tuple[str, str]) -> Job | None:
    """A live job of `key` on page me[1] that a closed tab left (or `me` took
    over already); it is `me`'s now."""
    for job in cache.job_registry().jobs_for(key):
        owner = job.owner
        page = owner is not None and owner[1] == me[1]
        left = page and (owner[0] == me[0] or _tab_closed(owner[0]))
        if left and not job.finished:
            job.owner = me
            job.touch()
            return job
    return None


def keep(job: Job, state: run_state.State) -> None:
    """Remember Explore's run as the page shows it: paused (its last records, why,
    and whose tab), or not (a run that finished whole needs no pause to return to)."""
    key = (PAUSED, job.task.key)
    registry = cache.job_registry()
    if state is run_state.State.PAUSED:
        registry.store(key, (job.reason, job.partial, job.owner))
    elif state is run_state.State.DONE and registry.cached(key) is not None:
        registry.store(key, None)  # None reads as absent (JobRegistry.cached)


def paused(key, me: tuple[str, str]):
    """(reason, Live) of the run of `key` last shown paused on page me[1] by a tab
    now closed (a reload), else None: an open tab's pause is not another's."""
    found = cache.job_registry().cached((PAUSED, key))
    if found is None:
        return None
    reason, live, owner = found
    if owner is None or owner[1] != me[1] or not _tab_closed(owner[0]):
        return None
    return reason, live
