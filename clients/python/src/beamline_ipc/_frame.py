"""Frame layout of docs/PROTOCOL.md, "Frame": u32 total length (big-endian, header included), u8 version,
u8 type, in v2 a u32 request id, then the payload."""

import struct
from typing import List, NamedTuple, Optional

TASK_SUBMIT = 0x01
TASK_QUERY = 0x02
TASK_CANCEL = 0x03
STREAM_SUBSCRIBE = 0x04
STREAM_DATA = 0x05
STREAM_COMPLETE = 0x06
STREAM_ERROR = 0x07
RESPONSE_OK = 0x10
RESPONSE_ERROR = 0x11
PING = 0xF0
PONG = 0xF1
CAPABILITIES = 0xF2

V1_HEADER = 6
V2_HEADER = 10
#: The hard ceiling of a frame, header included; a gateway may be configured lower (CAPABILITIES).
MAX_FRAME_BYTES = 4 * 1024 * 1024

_V1 = struct.Struct(">IBB")
_V2 = struct.Struct(">IBBI")


class Frame(NamedTuple):
    version: int
    type: int
    request_id: int  # 0 in v1
    payload: bytes


def encode_frame(version: int, type_: int, request_id: int, payload: Optional[bytes]) -> bytes:
    """One frame as bytes; ``request_id`` is used in v2 only."""
    body = payload or b""
    if version == 2:
        return _V2.pack(V2_HEADER + len(body), 2, type_, request_id) + body
    return _V1.pack(V1_HEADER + len(body), 1, type_) + body


class FrameDecoder:
    """Cuts a byte stream into frames, whatever the reads look like."""

    def __init__(self, max_frame_bytes: int = MAX_FRAME_BYTES) -> None:
        self.max_frame_bytes = max_frame_bytes
        self._buf = bytearray()

    def push(self, data: bytes) -> List[Frame]:
        """Adds bytes, returns the frames now complete. Raises ValueError on a header no frame can have."""
        self._buf += data
        frames = []
        pos = 0
        buf = self._buf
        while len(buf) - pos >= V1_HEADER:
            length, version, type_ = _V1.unpack_from(buf, pos)
            if version not in (1, 2):
                raise ValueError("frame with unknown version %d" % version)
            header = V2_HEADER if version == 2 else V1_HEADER
            if length < header:
                raise ValueError("frame length %d is below its %d-byte header" % (length, header))
            if length > self.max_frame_bytes:
                raise ValueError("frame length %d is above %d" % (length, self.max_frame_bytes))
            if len(buf) - pos < length:
                break
            request_id = _V2.unpack_from(buf, pos)[3] if version == 2 else 0
            frames.append(Frame(version, type_, request_id, bytes(buf[pos + header:pos + length])))
            pos += length
        if pos:
            del self._buf[:pos]
        return frames
