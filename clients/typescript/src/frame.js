// Frame layout of docs/PROTOCOL.md, "Frame": u32 total length (big-endian, header included), u8 version,
// u8 type, in v2 a u32 request id, then the payload.

/** Message type codes (docs/PROTOCOL.md, "Message types"). */
export const MessageType = Object.freeze({
  TASK_SUBMIT: 0x01,
  TASK_QUERY: 0x02,
  TASK_CANCEL: 0x03,
  STREAM_SUBSCRIBE: 0x04,
  STREAM_DATA: 0x05,
  STREAM_COMPLETE: 0x06,
  STREAM_ERROR: 0x07,
  RESPONSE_OK: 0x10,
  RESPONSE_ERROR: 0x11,
  PING: 0xf0,
  PONG: 0xf1,
  CAPABILITIES: 0xf2,
});

export const V1_HEADER = 6;
export const V2_HEADER = 10;
/** The hard ceiling of a frame, header included; a gateway may be configured lower (CAPABILITIES). */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;

/**
 * One frame as bytes. `payload` is a Buffer (may be empty); `requestId` is used in v2 only.
 * @returns {Buffer}
 */
export function encodeFrame(version, type, requestId, payload) {
  const header = version === 2 ? V2_HEADER : V1_HEADER;
  const body = payload ?? Buffer.alloc(0);
  const frame = Buffer.allocUnsafe(header + body.length);
  frame.writeUInt32BE(header + body.length, 0);
  frame.writeUInt8(version, 4);
  frame.writeUInt8(type, 5);
  if (version === 2) frame.writeUInt32BE(requestId >>> 0, 6);
  body.copy(frame, header);
  return frame;
}

/**
 * Cuts a byte stream into frames, whatever the reads look like: a frame may come in many reads and one
 * read may carry many frames. Bytes are kept as a list and joined only when a whole frame is there.
 */
export class FrameDecoder {
  constructor(maxFrameBytes = MAX_FRAME_BYTES) {
    this.maxFrameBytes = maxFrameBytes;
    this.chunks = [];
    this.buffered = 0;
  }

  /**
   * Adds bytes, returns the frames now complete: `{version, type, requestId, payload}` (requestId 0 in v1).
   * Throws on a header no frame can have (the byte stream cannot be trusted after it).
   */
  push(chunk) {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames = [];
    for (;;) {
      if (this.buffered < V1_HEADER) break;
      const head = this.#peek(V1_HEADER);
      const length = head.readUInt32BE(0);
      const version = head.readUInt8(4);
      if (version !== 1 && version !== 2) throw new Error(`frame with unknown version ${version}`);
      const header = version === 2 ? V2_HEADER : V1_HEADER;
      if (length < header) throw new Error(`frame length ${length} is below its ${header}-byte header`);
      if (length > this.maxFrameBytes) throw new Error(`frame length ${length} is above ${this.maxFrameBytes}`);
      if (this.buffered < length) break;
      const frame = this.#take(length);
      frames.push({
        version,
        type: frame.readUInt8(5),
        requestId: version === 2 ? frame.readUInt32BE(6) : 0,
        payload: frame.subarray(header),
      });
    }
    return frames;
  }

  #peek(n) {
    if (this.chunks[0].length >= n) return this.chunks[0];
    const joined = Buffer.concat(this.chunks);
    this.chunks = [joined];
    return joined;
  }

  #take(n) {
    let out;
    if (this.chunks[0].length >= n) {
      out = this.chunks[0].subarray(0, n);
    } else {
      out = Buffer.concat(this.chunks, n);
    }
    let left = n;
    while (left > 0) {
      const first = this.chunks[0];
      if (first.length <= left) {
        left -= first.length;
        this.chunks.shift();
      } else {
        this.chunks[0] = first.subarray(left);
        left = 0;
      }
    }
    this.buffered -= n;
    return out;
  }
}
