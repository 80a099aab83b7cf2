"""The blocking client: the asyncio client run on a private event loop thread, so there is one protocol
implementation. ``with Client(path) as c: d = c.submit("code_completion", {"file": "a.py"})``"""

import asyncio
import threading
from typing import Any, Awaitable, Dict, Iterator, Optional, TypeVar, Union

from .aio import _DEFAULT, AsyncClient, AsyncTaskStream, StreamChunk, StreamEnd, SubmitResult

_T = TypeVar("_T")


class _LoopThread:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="beamline-ipc-client", daemon=True)
        self.thread.start()

    def run(self, coro: Awaitable[_T]) -> _T:
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)  # type: ignore[arg-type]
        try:
            return future.result()
        except BaseException:
            # Interrupted (KeyboardInterrupt) or failed: cancelling the task sends TASK_CANCEL for a submit.
            future.cancel()
            raise

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()
        self.loop.close()


class TaskStream:
    """Blocking view of an AsyncTaskStream: ``for item in stream`` yields StreamChunk items, then StreamEnd."""

    def __init__(self, runner: _LoopThread, stream: AsyncTaskStream) -> None:
        self._runner = runner
        self._stream = stream

    @property
    def task_id(self) -> Optional[str]:
        return self._stream.task_id

    @property
    def end(self) -> Optional[StreamEnd]:
        return self._stream.end

    def answer(self) -> Any:
        return self._runner.run(self._stream.answer())

    def cancel(self) -> Dict[str, Any]:
        return self._runner.run(self._stream.cancel())

    def __iter__(self) -> Iterator[Union[StreamChunk, StreamEnd]]:
        return self

    def __next__(self) -> Union[StreamChunk, StreamEnd]:
        try:
            return self._runner.run(self._stream.__anext__())
        except StopAsyncIteration:
            raise StopIteration from None


class Client:
    """Connects at construction; the same calls as AsyncClient, blocking. Timeouts in seconds."""

    def __init__(self, socket_path: Optional[str] = None, *, protocol_version: Union[str, int] = "auto",
                 connect_timeout: float = 5.0, timeout: Optional[float] = 30.0) -> None:
        self._runner = _LoopThread()
        self._aio = AsyncClient(socket_path, protocol_version=protocol_version,
                                connect_timeout=connect_timeout, timeout=timeout)
        try:
            self._runner.run(self._aio.connect())
        except BaseException:
            self._runner.stop()
            raise

    socket_path = property(lambda self: self._aio.socket_path)
    protocol_version = property(lambda self: self._aio.protocol_version)
    capabilities_document = property(lambda self: self._aio.capabilities_document)
    is_open = property(lambda self: self._aio.is_open)

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def ping(self, *, timeout: Any = _DEFAULT) -> float:
        return self._runner.run(self._aio.ping(timeout=timeout))

    def capabilities(self, *, timeout: Any = _DEFAULT) -> Dict[str, Any]:
        return self._runner.run(self._aio.capabilities(timeout=timeout))

    def submit(self, task_type: str, payload: Optional[Dict[str, Any]] = None, *, timeout: Any = _DEFAULT,
               **fields: Any) -> SubmitResult:
        return self._runner.run(self._aio.submit(task_type, payload, timeout=timeout, **fields))

    def submit_legacy(self, task_type: str, *, timeout: Any = _DEFAULT, **fields: Any) -> SubmitResult:
        return self._runner.run(self._aio.submit_legacy(task_type, timeout=timeout, **fields))

    def stream(self, task_type: str, payload: Optional[Dict[str, Any]] = None, *, timeout: Any = _DEFAULT,
               **fields: Any) -> TaskStream:
        async def open_() -> AsyncTaskStream:
            return self._aio.stream(task_type, payload, timeout=timeout, **fields)
        return TaskStream(self._runner, self._runner.run(open_()))

    def subscribe(self, task_id: str, from_seq: Optional[int] = None, *, timeout: Any = _DEFAULT) -> TaskStream:
        async def open_() -> AsyncTaskStream:
            return self._aio.subscribe(task_id, from_seq, timeout=timeout)
        return TaskStream(self._runner, self._runner.run(open_()))

    def query(self, task_id: str, *, timeout: Any = _DEFAULT) -> Dict[str, Any]:
        return self._runner.run(self._aio.query(task_id, timeout=timeout))

    def cancel(self, task_id: str, *, timeout: Any = _DEFAULT) -> Dict[str, Any]:
        return self._runner.run(self._aio.cancel(task_id, timeout=timeout))

    def close(self) -> None:
        if self._runner.loop.is_closed():
            return
        try:
            self._runner.run(self._aio.close())
        finally:
            self._runner.stop()
