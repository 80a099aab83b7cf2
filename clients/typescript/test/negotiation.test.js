// The client's side of connection set-up against a scripted peer on a Unix socket: what an old (C) gateway or
// a refusing gateway answers, which the real gateway of gateway.test.js cannot be made to send on demand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ConnectionLostError, FrameDecoder, GatewayClient, GatewayError, MessageType as T, encodeFrame } from '../src/index.js';

const error = (code, reason, status) =>
  Buffer.from(JSON.stringify({ ok: false, error: { code, reason, status, message: reason, retryable: false } }));

/** A peer that answers each frame with `answer(frame, socket)`. */
async function scriptedPeer(answer) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beamline-ts-peer-'));
  const socketPath = path.join(dir, 'peer.sock');
  const server = net.createServer((socket) => {
    const decoder = new FrameDecoder();
    socket.on('data', (chunk) => { for (const f of decoder.push(chunk)) answer(f, socket); });
    socket.on('error', () => {});
  });
  await new Promise((resolve) => server.listen(socketPath, resolve));
  return {
    socketPath,
    close: () => new Promise((resolve) => server.close(() => { fs.rmSync(dir, { recursive: true, force: true }); resolve(); })),
  };
}

test('a gateway that does not serve CAPABILITIES is spoken to in v1', async () => {
  const peer = await scriptedPeer((f, s) => {
    if (f.type === T.CAPABILITIES) s.write(encodeFrame(1, T.RESPONSE_ERROR, 0, error(2, 'invalid_type', 400)));
    else if (f.type === T.PING && f.version === 1) s.write(encodeFrame(1, T.PONG, 0, null));
  });
  try {
    const c = await GatewayClient.connect(peer.socketPath);
    assert.equal(c.protocolVersion, 1);
    assert.ok((await c.ping()) >= 0);
    await c.close();
  } finally {
    await peer.close();
  }
});

test('a gateway that refuses the connection fails connect with ConnectionLostError', async () => {
  const peer = await scriptedPeer((f, s) => s.end(encodeFrame(1, T.RESPONSE_ERROR, 0, error(12, 'permission_denied', 403))));
  try {
    const err = await GatewayClient.connect(peer.socketPath).then(() => assert.fail('connected'), (e) => e);
    assert.ok(err instanceof ConnectionLostError);
    assert.ok(err.cause instanceof GatewayError);
    assert.equal(err.cause.code, 12);
  } finally {
    await peer.close();
  }
});

test('an error frame that answers no request is the reason of the connection loss', async () => {
  let peerSocket;
  const peer = await scriptedPeer((f, s) => {
    peerSocket = s;
    if (f.type === T.PING) s.write(encodeFrame(2, T.PONG, f.requestId, null));
  });
  try {
    const c = await GatewayClient.connect(peer.socketPath, { protocolVersion: 2 });
    await c.ping();
    peerSocket.end(encodeFrame(1, T.RESPONSE_ERROR, 0, error(6, 'idle_timeout', 499)));
    const err = await new Promise((resolve) => {
      const poll = () => (c.isOpen ? setTimeout(poll, 10) : c.ping().catch(resolve));
      poll();
    });
    assert.ok(err instanceof ConnectionLostError);
    assert.equal(err.cause.reason, 'idle_timeout');
  } finally {
    await peer.close();
  }
});
