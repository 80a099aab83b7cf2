import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFrame, FrameDecoder, MessageType, defaultSocketPath } from '../src/index.js';

test('frames are encoded as the examples of docs/PROTOCOL.md', () => {
  assert.equal(encodeFrame(1, MessageType.PING, 0, null).toString('hex'), '0000000601f0');
  assert.equal(encodeFrame(2, MessageType.PING, 1, null).toString('hex'), '0000000a02f000000001');
  assert.equal(encodeFrame(2, MessageType.TASK_QUERY, 258, Buffer.from('{"task_id":"t1"}')).toString('hex'),
    '0000001a0202000001027b227461736b5f6964223a227431227d');
});

test('frames are decoded whatever the reads look like', () => {
  const bytes = Buffer.concat([
    Buffer.from('0000000a02f100000001', 'hex'),
    Buffer.from('0000001a0202000001027b227461736b5f6964223a227431227d', 'hex'),
    Buffer.from('0000000601f1', 'hex'),
  ]);
  for (const cut of [1, 3, 7, 11, bytes.length]) {
    const decoder = new FrameDecoder();
    const frames = [];
    for (let i = 0; i < bytes.length; i += cut) frames.push(...decoder.push(bytes.subarray(i, i + cut)));
    assert.deepEqual(frames.map((f) => [f.version, f.type, f.requestId, f.payload.toString()]), [
      [2, 0xf1, 1, ''],
      [2, 0x02, 258, '{"task_id":"t1"}'],
      [1, 0xf1, 0, ''],
    ]);
  }
});

test('a header no frame can have is refused', () => {
  assert.throws(() => new FrameDecoder().push(Buffer.from('0000000503f0', 'hex')), /version 3/);
  assert.throws(() => new FrameDecoder().push(Buffer.from('0000000501f0', 'hex')), /below/);
  assert.throws(() => new FrameDecoder().push(Buffer.from('0040000101f0', 'hex')), /above/);
});

test('the default socket path follows the protocol rule', () => {
  assert.equal(defaultSocketPath({}), '/tmp/beamline-gateway.sock');
  assert.equal(defaultSocketPath({ XDG_RUNTIME_DIR: '/run/user/1000' }), '/run/user/1000/beamline/gateway.sock');
  assert.equal(defaultSocketPath({ XDG_RUNTIME_DIR: 'relative/dir' }), '/tmp/beamline-gateway.sock');
  assert.equal(defaultSocketPath({ XDG_RUNTIME_DIR: ' ' }), '/tmp/beamline-gateway.sock');
  assert.equal(defaultSocketPath({ XDG_RUNTIME_DIR: '/run/user/1', CGW_IPC_SOCKET_PATH: '/x/c.sock' }), '/x/c.sock');
  assert.equal(defaultSocketPath({ CGW_IPC_SOCKET_PATH: '/x/c.sock', BEAMLINE_IPC_SOCKET_PATH: '/x/b.sock' }), '/x/b.sock');
});
