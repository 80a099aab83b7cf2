// Against real processes: nats-server, the reference Router and the gateway (harness.js).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConnectionLostError, DeadlineExceededError, GatewayClient, GatewayError,
} from '../src/index.js';
import { Deployment } from './harness.js';

const TENANT = 'clients'; // clients/testdata/policies/clients/<policy>.json
const SLOW_START = { connectTimeoutMs: 30000 }; // a gateway just started, on shared busy cores

let deployment;
before(async () => { deployment = await Deployment.start(); });
after(async () => { await deployment?.stop(); });

const task = (policyId, extra = {}) => ({
  taskType: 'code_completion', payload: { file: 'a.py', line: 42 }, tenantId: TENANT, policyId, ...extra,
});

async function collect(stream) {
  const items = [];
  for await (const item of stream) items.push(item);
  return items;
}

test('connect negotiates v2 from CAPABILITIES; ping and capabilities', async () => {
  const c = await GatewayClient.connect(deployment.socketPath, SLOW_START);
  try {
    assert.equal(c.protocolVersion, 2);
    assert.equal(typeof (await c.ping()), 'number');
    const caps = await c.capabilities();
    assert.deepEqual(caps.protocol_versions, [1, 2]);
    assert.ok(caps.features.includes('streaming'));
    assert.ok(caps.features.includes('stream_resume'));
  } finally {
    await c.close();
  }
});

test('a missing socket is a ConnectionLostError at connect', async () => {
  await assert.rejects(GatewayClient.connect(`${deployment.socketPath}.none`), ConnectionLostError);
});

for (const version of [1, 2]) {
  describe(`protocol v${version}`, () => {
    let c;
    before(async () => { c = await GatewayClient.connect({ socketPath: deployment.socketPath, protocolVersion: version, ...SLOW_START }); });
    after(async () => { await c.close(); });

    test('ping', async () => {
      assert.equal(c.protocolVersion, version);
      assert.ok((await c.ping()) >= 0);
    });

    test('submit returns the decision; query finds the task', async () => {
      const r = await c.submit(task('default'));
      assert.match(r.taskId, /^[0-9a-f-]{36}$/);
      assert.match(r.traceId, /^[0-9a-f]{32}$/);
      assert.equal(r.decision.provider_id, 'openai');
      const q = await c.query(r.taskId);
      assert.equal(q.status, 'succeeded');
      assert.equal(q.task_id, r.taskId);
    });

    test('legacy editor submit', async () => {
      const r = await c.submitLegacy({ taskType: 'code_completion', file: 'a.py', line: 42, context: 'def f():', tenantId: TENANT, policyId: 'default' });
      assert.equal(r.decision.provider_id, 'openai');
    });

    test('many requests in flight on one connection', async () => {
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) =>
        c.submit(task('default', { taskId: `many-v${version}-${i}` }))));
      assert.deepEqual(results.map((r) => r.taskId), Array.from({ length: 40 }, (_, i) => `many-v${version}-${i}`));
    });

    test('a Router error is a GatewayError with the router context', async () => {
      const err = await c.submit(task('blocked')).then(() => assert.fail('no error'), (e) => e);
      assert.ok(err instanceof GatewayError);
      assert.equal(err.code, 14);
      assert.equal(err.status, 403);
      assert.equal(err.reason, 'validator_blocked');
      assert.equal(err.retryable, false);
      assert.equal(err.router.code, 'validator_blocked');
      assert.equal(err.router.details.validator, 'secrets');
      assert.match(err.taskId, /^[0-9a-f-]{36}$/);
    });

    test('a Router rate limit is retryable with retry_after_ms', async () => {
      const err = await c.submit(task('limited')).then(() => assert.fail('no error'), (e) => e);
      assert.equal(err.code, 9);
      assert.equal(err.status, 429);
      assert.equal(err.retryable, true);
      assert.equal(err.retryAfterMs, 2500);
    });

    test('bad input is invalid_payload and the connection stays usable', async () => {
      await assert.rejects(c.submit({ taskType: '', payload: {} }),
        (e) => e instanceof GatewayError && e.code === 4 && e.status === 400 && e.reason === 'invalid_payload');
      await assert.rejects(c.query('no-such-task-anywhere'), (e) => e.code === 11 && e.status === 404);
      assert.ok((await c.ping()) >= 0);
    });

    test('the call deadline passes locally: DeadlineExceededError', async () => {
      await assert.rejects(c.submit(task('slow'), { timeoutMs: 300 }), DeadlineExceededError);
      assert.ok((await c.ping()) >= 0);
    });

    test('the gateway deadline (deadline_ms) passes: code 5 timeout', async () => {
      await assert.rejects(c.submit(task('slow', { deadlineMs: 300 }), { timeoutMs: 20000 }),
        (e) => e instanceof GatewayError && e.code === 5 && e.reason === 'timeout' && e.retryable === true);
    });

    test('cancel(taskId) answers the submit with CANCELLED', async () => {
      const taskId = `cancel-v${version}`;
      const submitted = c.submit(task('slow', { taskId }), { timeoutMs: 20000 });
      const outcome = submitted.then(() => 'answered', (e) => e);
      const cancelled = await c.cancel(taskId);
      assert.equal(cancelled.cancelled, true);
      const err = await outcome;
      assert.ok(err instanceof GatewayError);
      assert.equal(err.code, 10);
      assert.equal(err.reason, 'cancelled');
      assert.equal((await c.query(taskId)).status, 'cancelled');
    });

    test('an AbortSignal cancels the submit with TASK_CANCEL', async () => {
      const abort = new AbortController();
      const submitted = c.submit(task('slow'), { signal: abort.signal, timeoutMs: 20000 });
      setTimeout(() => abort.abort(), 200);
      await assert.rejects(submitted, { name: 'AbortError' });
      // The gateway saw the cancel: it answers the submit CANCELLED, and nothing is in flight any more.
      const caps = await c.capabilities();
      assert.ok(caps);
    });

    test('a stream yields its chunks, then the terminal status and counts', async () => {
      const s = c.stream(task('stream'));
      const items = await collect(s);
      const answer = await s.answer;
      assert.equal(answer.decision.provider_id, 'openai');
      assert.deepEqual(items.map((i) => i.kind === 'data' ? i.seq : i.status), [1, 2, 3, 4, 5, 'complete']);
      assert.ok(items.slice(0, 5).every((i) => i.data.length === 12 && i.taskId === answer.taskId));
      const end = items[5];
      assert.equal(end.ok, true);
      assert.equal(end.chunks, 5);
      assert.equal(end.bytes, 60);
      assert.equal(end.error, null);
      assert.equal(s.end, end);
    });

    test('a stream the Router fails ends with status error', async () => {
      const items = await collect(c.stream(task('streamfail')));
      const end = items.at(-1);
      assert.deepEqual(items.slice(0, -1).map((i) => i.seq), [1, 2]);
      assert.equal(end.status, 'error');
      assert.equal(end.ok, false);
      assert.equal(end.chunks, 2);
      assert.ok(end.error instanceof GatewayError);
      assert.equal(end.error.router.code, 'internal');
    });

    test('cancel of a running stream ends it with status cancelled', async () => {
      const s = c.stream(task('longstream'));
      const seqs = [];
      let end;
      for await (const item of s) {
        if (item.kind === 'end') end = item;
        else if (seqs.push(item.seq) === 3) void c.cancel(s.taskId);
      }
      assert.deepEqual(seqs.slice(0, 3), [1, 2, 3]);
      assert.equal(end.status, 'cancelled');
      assert.equal(end.error.code, 10);
      assert.ok(end.chunks >= 3 && end.chunks < 1000);
    });

    test('an AbortSignal cancels a stream', async () => {
      const abort = new AbortController();
      const s = c.stream(task('longstream'), { signal: abort.signal });
      const seqs = [];
      await assert.rejects((async () => {
        for await (const item of s) if (seqs.push(item.seq) === 2) abort.abort();
      })(), { name: 'AbortError' });
      assert.deepEqual(seqs, [1, 2]);
      // The gateway ended the stream: a subscriber sees its terminal status.
      const taskId = (await s.answer).taskId;
      const other = await GatewayClient.connect({ socketPath: deployment.socketPath, protocolVersion: version, ...SLOW_START });
      try {
        const end = (await collect(other.subscribe(taskId))).at(-1);
        assert.equal(end.status, 'cancelled');
      } finally {
        await other.close();
      }
      assert.ok((await c.ping()) >= 0);
    });

    test('STREAM_SUBSCRIBE resumes an ended stream from a seq on another connection', async () => {
      const s = c.stream(task('stream'));
      await collect(s);
      const other = await GatewayClient.connect({ socketPath: deployment.socketPath, protocolVersion: version, ...SLOW_START });
      try {
        const resumed = other.subscribe(s.taskId, { fromSeq: 3 });
        const items = await collect(resumed);
        assert.equal((await resumed.answer).from_seq, 3);
        assert.deepEqual(items.map((i) => i.kind === 'data' ? i.seq : i.status), [3, 4, 5, 'complete']);
        assert.equal(items.at(-1).chunks, 5);
        await assert.rejects(collect(other.subscribe('no-such-stream')),
          (e) => e instanceof GatewayError && e.code === 11 && e.reason === 'stream_not_found');
      } finally {
        await other.close();
      }
    });

    test('STREAM_SUBSCRIBE joins a live stream', async () => {
      const s = c.stream(task('longstream'));
      const it = s[Symbol.asyncIterator]();
      assert.equal((await it.next()).value.seq, 1);
      assert.equal((await it.next()).value.seq, 2);
      const other = await GatewayClient.connect({ socketPath: deployment.socketPath, protocolVersion: version, ...SLOW_START });
      try {
        const joined = other.subscribe(s.taskId, { fromSeq: 2 });
        const seen = [];
        for await (const item of joined) {
          if (item.kind === 'end') {
            assert.equal(item.status, 'cancelled');
            break;
          }
          if (seen.push(item.seq) === 3) await other.cancel(s.taskId);
        }
        assert.deepEqual(seen.slice(0, 3), [2, 3, 4]);
      } finally {
        await other.close();
      }
      let last;
      for (let r = await it.next(); !r.done; r = await it.next()) last = r.value;
      assert.equal(last.status, 'cancelled');
    });
  });
}

describe('gateway restart', () => {
  test('connection loss surfaces as ConnectionLostError, no hang; a new connect works after the restart', async () => {
    const c = await GatewayClient.connect(deployment.socketPath, SLOW_START);
    const inFlight = c.submit(task('slow'), { timeoutMs: 60000 }).then(() => 'answered', (e) => e);
    const s = c.stream(task('longstream'));
    const streamed = collect(s).then(() => 'ended', (e) => e);
    await s.answer;
    await deployment.killGateway();
    assert.ok((await inFlight) instanceof ConnectionLostError);
    assert.ok((await streamed) instanceof ConnectionLostError);
    assert.equal(c.isOpen, false);
    await assert.rejects(c.ping(), ConnectionLostError);
    await c.close();

    await deployment.startGateway();
    const again = await GatewayClient.connect(deployment.socketPath, SLOW_START);
    try {
      assert.equal((await again.submit(task('default'))).decision.provider_id, 'openai');
    } finally {
      await again.close();
    }
  });
});

test('the README example runs against the gateway', async () => {
  const { execFile } = await import('node:child_process');
  const { readFile } = await import('node:fs/promises');
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const code = readme.match(/```js\n([\s\S]*?)```/)[1];
  const out = await new Promise((resolve, reject) => execFile(process.execPath, ['--input-type=module', '-e', code], {
    cwd: new URL('..', import.meta.url).pathname,
    env: { ...process.env, BEAMLINE_IPC_SOCKET_PATH: deployment.socketPath },
    timeout: 60000,
  }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout))));
  assert.match(out, /^task [0-9a-f-]{36} decision/m);
  assert.match(out, /^end: complete 5 chunks 1280 bytes$/m);
});
