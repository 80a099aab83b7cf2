"""The asyncio client: one Unix socket, many requests in flight (v2 request ids, or v1 pipelining in order),
streams, cancellation, deadlines. Everything here follows docs/PROTOCOL.md."""

import asyncio
import collections
import json
import time
import uuid
from typing import Any, Deque, Dict, List, NamedTuple, Optional, Union

from . import _frame as F
from ._paths import default_socket_path
from .errors import ConnectionLost, DeadlineExceeded, GatewayError, ProtocolError

_MAX_REQUEST_ID = 0xFFFFFFFF
_DEFAULT = object()  # "the client's default timeout"


class SubmitResult(NamedTuple):
    """A successful submit: the task's ids and the Router's decision as received."""
    task_id: str
    trace_id: Optional[str]
    decision: Any
    body: Dict[str, Any]


class StreamChunk(NamedTuple):
    """One STREAM_DATA: ``data`` is the chunk as text, or None and ``data_base64`` when it was not UTF-8."""
    task_id: str
    seq: int
    data: Optional[str]
    data_base64: Optional[str]


class StreamEnd(NamedTuple):
    """The terminal frame: ``status`` complete, error, cancelled, timeout, gap or overflow, with the counts."""
    ok: bool
    status: str
    task_id: str
    trace_id: Optional[str]
    chunks: int
    bytes: int
    usage: Optional[Dict[str, Any]]
    error: Optional[GatewayError]
    body: Dict[str, Any]


def _json(payload: bytes) -> Dict[str, Any]:
    if not payload:
        return {}
    if payload.endswith(b"\0"):  # docs/PROTOCOL.md: one trailing NUL is allowed
        payload = payload[:-1]
    return json.loads(payload.decode("utf-8"))


def _submit_result(body: Dict[str, Any]) -> SubmitResult:
    return SubmitResult(body.get("task_id"), body.get("trace_id"), body.get("decision"), body)


def _refuses_the_connection(e: GatewayError) -> bool:
    """The answers a gateway sends before it closes a connection it will not serve (docs/PROTOCOL.md)."""
    return e.code == 12 or (e.code == 8 and str(e.reason).startswith("connection_limit"))


class _Pending:
    """A request waiting for its answer (and, for a stream, its chunks and terminal frame)."""

    __slots__ = ("stream", "future", "done", "answered", "timer", "request_id")

    def __init__(self, future: "asyncio.Future[Any]", stream: Optional["AsyncTaskStream"] = None) -> None:
        self.future = future  # the answer
        self.stream = stream
        self.done = False  # the caller has its outcome; later frames are consumed and dropped
        self.answered = False
        self.timer: Optional[asyncio.TimerHandle] = None
        self.request_id = 0

    def _stop_timer(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def answer(self, value: Any) -> None:
        self._stop_timer()
        if not self.future.done():
            self.future.set_result(value)
        if self.stream is None:
            self.done = True

    def abandon(self) -> None:
        """The caller left (its task was cancelled): later frames of this request are read and dropped."""
        if self.done:
            return
        self.done = True
        self._stop_timer()
        self.future.cancel()
        if self.stream is not None:
            self.stream._finished = True

    def fail(self, error: BaseException) -> None:
        if self.done:
            return
        self.done = True
        self._stop_timer()
        if not self.future.done():
            self.future.set_exception(error)
            self.future.exception()  # retrieved here too: a caller that left does not make asyncio warn
        if self.stream is not None:
            self.stream._fail(error)


class AsyncTaskStream:
    """The output of a streaming submit or a STREAM_SUBSCRIBE: ``async for item in stream`` yields each
    StreamChunk and finally the StreamEnd, whatever its status. A refused request or a lost connection is
    raised. Cancelling the task that iterates it sends TASK_CANCEL."""

    def __init__(self, client: "AsyncClient", submit: bool) -> None:
        self._client = client
        self._submit = submit
        self._items: Deque[Union[StreamChunk, StreamEnd]] = collections.deque()
        self._wakeup: Optional[asyncio.Future] = None
        self._failure: Optional[BaseException] = None
        self._finished = False
        self._pending: Optional[_Pending] = None
        self._cancel_task_id: Optional[str] = None
        #: the task id, once the answer named it
        self.task_id: Optional[str] = None
        #: the terminal frame, once it came
        self.end: Optional[StreamEnd] = None

    async def answer(self) -> Any:
        """The request's RESPONSE_OK: a SubmitResult for a submit, the body for a subscribe."""
        assert self._pending is not None
        body = await asyncio.shield(self._pending.future)
        return _submit_result(body) if self._submit else body

    async def cancel(self) -> Dict[str, Any]:
        """Cancels the task (TASK_CANCEL); the stream then ends with status ``cancelled``."""
        if self.task_id is None:
            await self.answer()
        return await self._client.cancel(self.task_id)

    def __aiter__(self) -> "AsyncTaskStream":
        return self

    async def __anext__(self) -> Union[StreamChunk, StreamEnd]:
        try:
            await self.answer()
            while not self._items:
                if self._failure is not None:
                    failure, self._failure = self._failure, None
                    raise failure
                if self._finished:
                    raise StopAsyncIteration
                self._wakeup = asyncio.get_running_loop().create_future()
                await self._wakeup
        except asyncio.CancelledError:
            self._client._cancel_in_flight(self._pending, self._cancel_task_id or self.task_id)
            raise
        return self._items.popleft()

    def _push(self, item: Union[StreamChunk, StreamEnd]) -> None:
        if self._finished:
            return
        if isinstance(item, StreamEnd):
            self.end = item
            self._finished = True
        self._items.append(item)
        self._wake()

    def _fail(self, error: BaseException) -> None:
        if self._finished:
            return
        self._finished = True
        self._failure = error
        self._wake()

    def _wake(self) -> None:
        if self._wakeup is not None and not self._wakeup.done():
            self._wakeup.set_result(None)


class AsyncClient:
    """``async with AsyncClient(path) as c: r = await c.submit("code_completion", {"file": "a.py"})``

    ``socket_path`` defaults to default_socket_path(); ``protocol_version`` "auto" (v2 when CAPABILITIES offers
    it, else v1), 1 or 2; ``timeout`` is each call's default deadline in seconds (None: none)."""

    def __init__(self, socket_path: Optional[str] = None, *, protocol_version: Union[str, int] = "auto",
                 connect_timeout: float = 5.0, timeout: Optional[float] = 30.0) -> None:
        if protocol_version not in ("auto", 1, 2):
            raise ValueError("protocol_version must be 'auto', 1 or 2, not %r" % (protocol_version,))
        self.socket_path = socket_path or default_socket_path()
        self.protocol_version = 1
        self.capabilities_document: Optional[Dict[str, Any]] = None
        self.max_frame_bytes = F.MAX_FRAME_BYTES
        self._wanted_version = protocol_version
        self._connect_timeout = connect_timeout
        self._timeout = timeout
        self._writer: Optional[asyncio.StreamWriter] = None
        self._reader_task: Optional[asyncio.Task] = None
        self._decoder = F.FrameDecoder()
        self._v1: Deque[_Pending] = collections.deque()  # v1 answers come in request order
        self._v2: Dict[int, _Pending] = {}
        self._next_id = 1
        self._lost: Optional[ConnectionLost] = None
        self._unsolicited: Optional[GatewayError] = None

    async def connect(self) -> "AsyncClient":
        try:
            reader, self._writer = await asyncio.wait_for(
                asyncio.open_unix_connection(self.socket_path), self._connect_timeout)
        except (OSError, asyncio.TimeoutError) as e:
            raise ConnectionLost("cannot connect to %s: %s" % (self.socket_path, e or "timed out")) from e
        self._reader_task = asyncio.get_running_loop().create_task(self._read(reader))
        if self._wanted_version == "auto":
            # Negotiation (docs/PROTOCOL.md, "Version negotiation"): CAPABILITIES in v1, which every gateway answers.
            caps: Any = None
            try:
                caps = await self.capabilities(timeout=self._connect_timeout)
            except GatewayError as e:
                if _refuses_the_connection(e):
                    await self.close()
                    raise ConnectionLost("the gateway at %s refused the connection: %s" % (self.socket_path, e)) from e
                # A gateway that cannot say it speaks v2 (it does not serve CAPABILITIES) is spoken to in v1.
            except BaseException:
                await self.close()
                raise
            if isinstance(caps, dict):
                self.capabilities_document = caps
                if isinstance(caps.get("max_frame_bytes"), int):
                    self.max_frame_bytes = caps["max_frame_bytes"]
                self.protocol_version = 2 if 2 in (caps.get("protocol_versions") or []) else 1
        else:
            self.protocol_version = int(self._wanted_version)
        return self

    async def __aenter__(self) -> "AsyncClient":
        return await self.connect()

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    @property
    def is_open(self) -> bool:
        return self._writer is not None and self._lost is None

    async def ping(self, *, timeout: Any = _DEFAULT) -> float:
        """Round trip of a PING, in seconds."""
        start = time.monotonic()
        await self._call(F.PING, None, timeout)
        return time.monotonic() - start

    async def capabilities(self, *, timeout: Any = _DEFAULT) -> Dict[str, Any]:
        """The gateway's CAPABILITIES document."""
        return await self._call(F.CAPABILITIES, None, timeout)

    async def submit(self, task_type: str, payload: Optional[Dict[str, Any]] = None, *, timeout: Any = _DEFAULT,
                     **fields: Any) -> SubmitResult:
        """TASK_SUBMIT (native format). ``fields``: tenant_id, policy_id, task_id, metadata, constraints,
        deadline_ms, idempotency_key, traceparent. ``timeout`` is also sent as ``deadline_ms`` when that is not
        given. Cancelling the awaiting task sends TASK_CANCEL."""
        body = self._native(task_type, payload, fields)
        return _submit_result(await self._submit(body, timeout))

    async def submit_legacy(self, task_type: str, *, timeout: Any = _DEFAULT, **fields: Any) -> SubmitResult:
        """TASK_SUBMIT in the C gateway's legacy editor format: ``file``, ``line``, ``context``, ``params`` and
        any other field but the envelope become the task's payload."""
        if "payload" in fields:
            raise ValueError("a legacy submit has no payload field (its fields are the payload)")
        body = dict(command="task_submit", task_type=task_type, **fields)
        return _submit_result(await self._submit(body, timeout))

    def stream(self, task_type: str, payload: Optional[Dict[str, Any]] = None, *, timeout: Any = _DEFAULT,
               **fields: Any) -> AsyncTaskStream:
        """A streaming submit (``"stream": true``); iterate the returned stream for the chunks and the end.
        ``timeout`` bounds the wait for the submit's answer."""
        body = self._native(task_type, payload, fields)
        body["stream"] = True
        if self.protocol_version == 1 and "task_id" not in body:
            body["task_id"] = str(uuid.uuid4())  # v1 cancels by task id only
        return self._open_stream(F.TASK_SUBMIT, body, timeout, True)

    def subscribe(self, task_id: str, from_seq: Optional[int] = None, *, timeout: Any = _DEFAULT) -> AsyncTaskStream:
        """STREAM_SUBSCRIBE: attaches to the stream of a task this uid submitted, from ``from_seq`` (default 1).
        Leaving it does not cancel the task; cancelling the iterating task does."""
        body: Dict[str, Any] = {"task_id": task_id}
        if from_seq is not None:
            body["from_seq"] = from_seq
        return self._open_stream(F.STREAM_SUBSCRIBE, body, timeout, False)

    async def query(self, task_id: str, *, timeout: Any = _DEFAULT) -> Dict[str, Any]:
        """TASK_QUERY: the task's status as the gateway (or the Router) knows it."""
        return await self._call(F.TASK_QUERY, {"task_id": task_id}, timeout)

    async def cancel(self, task_id: str, *, timeout: Any = _DEFAULT) -> Dict[str, Any]:
        """TASK_CANCEL: the task's submit is answered CANCELLED, its stream ends with ``cancelled``."""
        return await self._call(F.TASK_CANCEL, {"task_id": task_id}, timeout)

    async def cancel_request(self, request_id: int, *, timeout: Any = _DEFAULT) -> Dict[str, Any]:
        """v2 only: TASK_CANCEL of a submit still in flight on this connection, by its request id."""
        return await self._call(F.TASK_CANCEL, {"request_id": request_id}, timeout)

    async def close(self) -> None:
        """Closes the connection; whatever is in flight fails with ConnectionLost."""
        if self._writer is None:
            return
        self._connection_lost(None, "the client closed the connection")
        try:
            self._writer.close()
            await self._writer.wait_closed()
        except OSError:
            pass
        if self._reader_task is not None:
            self._reader_task.cancel()
            try:
                await self._reader_task
            except BaseException:  # noqa: B036 - the reader's end is of no interest here
                pass

    # -- internals ---------------------------------------------------------------------------------------

    @staticmethod
    def _native(task_type: str, payload: Optional[Dict[str, Any]], fields: Dict[str, Any]) -> Dict[str, Any]:
        body: Dict[str, Any] = {"task_type": task_type, "payload": payload if payload is not None else {}}
        body.update((k, v) for k, v in fields.items() if v is not None)
        return body

    def _deadline(self, timeout: Any) -> Optional[float]:
        return self._timeout if timeout is _DEFAULT else timeout

    async def _submit(self, body: Dict[str, Any], timeout: Any) -> Dict[str, Any]:
        seconds = self._deadline(timeout)
        if seconds and "deadline_ms" not in body:
            body["deadline_ms"] = max(1, int(seconds * 1000))
        if self.protocol_version == 1 and "task_id" not in body:
            body["task_id"] = str(uuid.uuid4())  # v1 cancels by task id only
        return await self._call(F.TASK_SUBMIT, body, seconds, cancel_task_id=body.get("task_id"))

    async def _call(self, type_: int, body: Optional[Dict[str, Any]], timeout: Any,
                    cancel_task_id: Optional[str] = None) -> Any:
        pending = _Pending(asyncio.get_running_loop().create_future())
        self._send(type_, body, pending, self._deadline(timeout))
        try:
            return await asyncio.shield(pending.future)
        except asyncio.CancelledError:
            if type_ == F.TASK_SUBMIT:
                self._cancel_in_flight(pending, cancel_task_id)
            pending.abandon()
            raise

    def _open_stream(self, type_: int, body: Dict[str, Any], timeout: Any, submit: bool) -> AsyncTaskStream:
        stream = AsyncTaskStream(self, submit)
        pending = _Pending(asyncio.get_running_loop().create_future(), stream)
        stream._pending = pending
        stream._cancel_task_id = body.get("task_id") if submit else None
        self._send(type_, body, pending, self._deadline(timeout))
        return stream

    def _send(self, type_: int, body: Optional[Dict[str, Any]], pending: _Pending, timeout: Optional[float]) -> None:
        if self._writer is None:
            raise RuntimeError("not connected: use 'async with AsyncClient(...)' or 'await client.connect()'")
        if self._lost is not None:
            pending.fail(self._lost)
            return
        payload = None if body is None else json.dumps(body, separators=(",", ":")).encode("utf-8")
        version = self.protocol_version
        size = (len(payload) if payload else 0) + (F.V2_HEADER if version == 2 else F.V1_HEADER)
        if size > self.max_frame_bytes:
            pending.fail(ValueError("the request is %d bytes, more than the gateway's %d"
                                    % (size, self.max_frame_bytes)))
            return
        if version == 2:
            pending.request_id = self._take_request_id()
            self._v2[pending.request_id] = pending
        else:
            self._v1.append(pending)
        if timeout:
            pending.timer = asyncio.get_running_loop().call_later(timeout, pending.fail, DeadlineExceeded(timeout))
        self._writer.write(F.encode_frame(version, type_, pending.request_id, payload))

    def _cancel_in_flight(self, pending: Optional[_Pending], task_id: Optional[str]) -> None:
        """TASK_CANCEL for a request its caller gave up: by task id when known, else (v2) by request id.
        Its answer is read and dropped."""
        if pending is None or self._lost is not None or pending.done:
            return
        if task_id is not None:
            body: Dict[str, Any] = {"task_id": task_id}
        elif self.protocol_version == 2 and pending.request_id:
            body = {"request_id": pending.request_id}
        else:
            return
        pending.abandon()
        self._send(F.TASK_CANCEL, body, _Pending(asyncio.get_running_loop().create_future()), None)

    def _take_request_id(self) -> int:
        while True:
            rid = self._next_id
            self._next_id = 1 if rid == _MAX_REQUEST_ID else rid + 1
            if rid not in self._v2:  # an id is in use until its answer (or its stream's end)
                return rid

    async def _read(self, reader: asyncio.StreamReader) -> None:
        error: Optional[BaseException] = None
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                for frame in self._decoder.push(data):
                    self._on_frame(frame)
        except (ValueError, ProtocolError) as e:
            error = ProtocolError("the gateway sent an invalid frame: %s" % e)
            if self._writer is not None:
                self._writer.close()
        except OSError as e:
            error = e
        except asyncio.CancelledError:
            return
        self._connection_lost(error, None)

    def _on_frame(self, frame: F.Frame) -> None:
        if frame.version == 2:
            pending = self._v2.get(frame.request_id)
            if pending is None:
                return  # an answer to nothing we wait for
        else:
            if not self._v1:
                # A frame that answers no request (connection limit, idle timeout): why the connection ends.
                if frame.type == F.RESPONSE_ERROR:
                    self._unsolicited = self._gateway_error(frame)
                return
            pending = self._v1[0]
        try:
            finished = self._deliver(pending, frame)
        except (ValueError, KeyError, TypeError) as e:
            raise ProtocolError("unreadable frame of type 0x%02x: %s" % (frame.type, e)) from e
        if finished:
            if frame.version == 2:
                del self._v2[frame.request_id]
            else:
                self._v1.popleft()

    def _deliver(self, pending: _Pending, frame: F.Frame) -> bool:
        """Hands one frame to its request; True when that request is over."""
        t = frame.type
        if t == F.PONG:
            pending.answer(None)
            return True
        if t == F.RESPONSE_OK:
            body = _json(frame.payload)
            if pending.stream is not None and not pending.answered:
                pending.answered = True
                if not pending.done:
                    pending.stream.task_id = body.get("task_id")
                    pending.answer(body)
                return False
            pending.answer(body)
            return True
        if t == F.RESPONSE_ERROR:
            pending.fail(self._gateway_error(frame))
            return True
        if t == F.STREAM_DATA:
            if pending.stream is None:
                raise ValueError("a stream chunk for a request that is not a stream")
            if not pending.done:
                b = _json(frame.payload)
                pending.stream._push(StreamChunk(b["task_id"], b["seq"], b.get("data"), b.get("data_base64")))
            return False
        if t in (F.STREAM_COMPLETE, F.STREAM_ERROR):
            if pending.stream is None:
                raise ValueError("a stream end for a request that is not a stream")
            if not pending.done:
                b = _json(frame.payload)
                error = GatewayError(b) if t == F.STREAM_ERROR else None
                pending.stream._push(StreamEnd(b.get("ok") is True, b["status"], b.get("task_id"), b.get("trace_id"),
                                               b.get("chunks"), b.get("bytes"), b.get("usage"), error, b))
                pending.done = True
            return True
        raise ValueError("type 0x%02x is not a gateway answer" % t)

    @staticmethod
    def _gateway_error(frame: F.Frame) -> GatewayError:
        try:
            body = _json(frame.payload)
        except ValueError:
            body = {"ok": False, "error": {"message": "unreadable error frame"}}
        return GatewayError(body)

    def _connection_lost(self, error: Optional[BaseException], why: Optional[str]) -> None:
        if self._lost is not None:
            return
        if why is None:
            if self._unsolicited is not None:
                why = "the gateway closed the connection: %s" % self._unsolicited
            else:
                why = "the connection to %s was lost%s" % (self.socket_path, ": %s" % error if error else "")
        lost = ConnectionLost(why)
        lost.__cause__ = self._unsolicited or error
        self._lost = lost
        everything: List[_Pending] = list(self._v1) + list(self._v2.values())
        self._v1.clear()
        self._v2.clear()
        for p in everything:
            p.fail(lost)
