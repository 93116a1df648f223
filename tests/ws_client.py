"""A visitor without a browser: Streamlit's own websocket protocol, as light as
a client can be, so that ten of them do not take the cores of the server they
measure (ten Chromium tabs redrawing seven charts each would).

A `Visit` asks for a page with a link's query (a script run), reruns each
fragment at the interval the server asked for (ForwardMsg.auto_rerun, as the
browser does: that is how a live run's page polls its job), and notes the
seconds from its start to its first chart and to the end of the run: a whole
page run with charts and no fragment left polling. Not a test module.
"""

import asyncio
import time

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect


class Visit:
    """One tab: `await visit.run(url, path, query, charts)` until the page has
    drawn `charts` charts with nothing live left (or `close()`); then
    `visit.first` and `visit.done` hold seconds from the start (None: never)."""

    def __init__(self):
        self.first = self.done = None
        self.began = 0.0
        self._fragments: dict[str, asyncio.Task] = {}
        self._socket = None
        self._hash = ""  # the page's script hash, once the router has said it
        self._seen: dict[str, bool] = {}  # message hash -> it was a chart
        self._closed = asyncio.Event()

    async def run(self, url: str, path: str, query: str, charts: int) -> None:
        host = url.removeprefix("http://")
        stream = f"ws://{host}/_stcore/stream"
        self.began = time.monotonic()
        # No keepalive pings: a busy server answers late, and a browser sends none.
        async with connect(
            stream,
            subprotocols=["streamlit"],
            origin=url,
            max_size=2**26,
            ping_interval=None,
        ) as socket:
            self._socket, self._query, self._path = socket, query, path
            await self._rerun()
            drawn = live = 0
            registered: set[str] = set()  # fragments polling, as of this run
            async for data in socket:
                message = ForwardMsg()
                message.ParseFromString(data)
                kind = message.WhichOneof("type")
                if kind == "new_session":  # a run starts (whole or a fragment's)
                    drawn = live = 0
                    registered = set()
                elif kind == "navigation":  # st.navigation: the page shown
                    self._hash = message.navigation.page_script_hash
                elif kind == "page_info_changed":  # the page rewrote its URL
                    self._query = message.page_info_changed.query_string
                elif kind in ("delta", "ref_hash"):
                    chart, progress = self._element(message, kind)
                    drawn += chart
                    live += progress
                    if chart and self.first is None:
                        self.first = time.monotonic() - self.began
                elif kind == "auto_rerun":
                    registered.add(message.auto_rerun.fragment_id)
                    self._poll(message.auto_rerun.fragment_id,
                               message.auto_rerun.interval)  # fmt: skip
                elif kind == "stop_auto_rerun":
                    for fragment in message.stop_auto_rerun.fragment_ids:
                        self._stop(fragment)
                elif kind == "script_finished" and (
                    message.script_finished == message.FINISHED_SUCCESSFULLY
                ):
                    # A whole run: the fragments it did not draw stop polling.
                    for fragment in set(self._fragments) - registered:
                        self._stop(fragment)
                    if drawn >= charts and not live and not self._fragments:
                        self.done = time.monotonic() - self.began
                        break
                if self._closed.is_set():
                    break
            for fragment in list(self._fragments):
                self._stop(fragment)

    async def close(self) -> None:
        """Close the connection (the tab closed): its session ends."""
        self._closed.set()
        for fragment in list(self._fragments):
            self._stop(fragment)
        if self._socket is not None:
            await self._socket.close()

    def _element(self, message: ForwardMsg, kind: str) -> tuple[int, int]:
        """(charts, progress bars) this delta adds (a reference: as first seen)."""
        if kind == "ref_hash":
            return int(self._seen.get(message.ref_hash, False)), 0
        element = message.delta.new_element
        which = None
        if message.delta.HasField("new_element"):
            which = element.WhichOneof("type")
        chart = which == "plotly_chart"
        if message.hash:
            self._seen[message.hash] = chart
        return int(chart), int(which == "progress")

    async def _rerun(self, fragment: str = "") -> None:
        back = BackMsg()
        state = back.rerun_script
        state.query_string, state.page_name = self._query, self._path
        state.page_script_hash = self._hash
        state.widget_states.SetInParent()
        if fragment:
            state.fragment_id, state.is_auto_rerun = fragment, True
        await self._socket.send(back.SerializeToString())

    def _poll(self, fragment: str, interval: float) -> None:
        async def every() -> None:
            while True:
                await asyncio.sleep(interval)
                await self._rerun(fragment)

        self._stop(fragment)
        self._fragments[fragment] = asyncio.ensure_future(every())

    def _stop(self, fragment: str) -> None:
        task = self._fragments.pop(fragment, None)
        if task is not None:
            task.cancel()


def visits(url: str, links: list[tuple[str, str]], charts: int = 7) -> list[Visit]:
    """Visits of `links` ((path, query) each) at once, each until its run is done
    (they cost the server's cores next to nothing)."""

    async def all_of() -> list[Visit]:
        made = [Visit() for _ in links]
        runs = [v.run(url, path, query, charts) for v, (path, query) in zip(
            made, links, strict=True)]  # fmt: skip
        await asyncio.wait_for(asyncio.gather(*runs), timeout=900)
        return made

    return asyncio.run(all_of())
