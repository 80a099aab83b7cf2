"""Client of the Beamline IPC gateway (docs/PROTOCOL.md): an asyncio API (AsyncClient) and a blocking one
(Client). Standard library only."""

from ._frame import MAX_FRAME_BYTES, FrameDecoder, encode_frame
from ._paths import LEGACY_SOCKET_PATH, default_socket_path
from .aio import AsyncClient, AsyncTaskStream, StreamChunk, StreamEnd, SubmitResult
from .errors import ConnectionLost, DeadlineExceeded, GatewayError, IpcError, ProtocolError
from .sync import Client, TaskStream

__all__ = [
    "AsyncClient", "AsyncTaskStream", "Client", "TaskStream", "StreamChunk", "StreamEnd", "SubmitResult",
    "IpcError", "GatewayError", "ConnectionLost", "DeadlineExceeded", "ProtocolError",
    "default_socket_path", "LEGACY_SOCKET_PATH", "encode_frame", "FrameDecoder", "MAX_FRAME_BYTES",
]
__version__ = "0.1.0"
