// The gateway client: one Unix socket, many requests in flight (v2 request ids, or v1 pipelining in order),
// streams, cancellation, deadlines. Everything here follows docs/PROTOCOL.md.
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { encodeFrame, FrameDecoder, MessageType as T, MAX_FRAME_BYTES } from './frame.js';
import { ConnectionLostError, DeadlineExceededError, GatewayError, ProtocolError } from './errors.js';
import { defaultSocketPath } from './socket-path.js';

const DEFAULTS = Object.freeze({ protocolVersion: 'auto', connectTimeoutMs: 5000, timeoutMs: 30000 });
const MAX_REQUEST_ID = 0xffffffff;

// camelCase request fields and their wire names; any other field is sent as given.
const SUBMIT_FIELDS = {
  taskType: 'task_type', tenantId: 'tenant_id', policyId: 'policy_id', taskId: 'task_id',
  deadlineMs: 'deadline_ms', idempotencyKey: 'idempotency_key',
};

function wireSubmit(request) {
  const out = {};
  for (const [k, v] of Object.entries(request ?? {})) {
    if (v !== undefined) out[SUBMIT_FIELDS[k] ?? k] = v;
  }
  return out;
}

function parseJson(payload) {
  if (payload.length === 0) return {};
  let end = payload.length;
  if (payload[end - 1] === 0) end--; // docs/PROTOCOL.md: one trailing NUL is allowed
  return JSON.parse(payload.toString('utf8', 0, end));
}

/** The answers a gateway sends before it closes a connection it will not serve (docs/PROTOCOL.md, "Transport"). */
function refusesTheConnection(err) {
  return err.code === 12 || (err.code === 8 && String(err.reason).startsWith('connection_limit'));
}

function abortReason(signal) {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** A successful submit: the task's ids and the Router's decision as received. */
function submitResult(body) {
  return { taskId: body.task_id, traceId: body.trace_id ?? null, decision: body.decision ?? null, body };
}

/** A request waiting for its answer (and, for a stream, its chunks and terminal frame). */
class Pending {
  constructor(kind, onAnswer, onError) {
    this.kind = kind; // 'single' | 'stream'
    this.onAnswer = onAnswer;
    this.onError = onError;
    this.done = false; // the caller has its outcome; later frames are consumed and dropped
    this.answered = false;
    this.timer = null;
    this.requestId = 0;
    this.stream = null;
    this.detach = null; // removes the abort listener
  }

  settle() {
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.detach?.();
  }

  answer(value) {
    if (this.done) return;
    this.settle();
    this.onAnswer(value);
  }

  fail(error) {
    if (this.done) return;
    this.settle();
    this.onError(error);
  }
}

/**
 * The output of a streaming submit or a STREAM_SUBSCRIBE: `for await (const item of stream)` yields each
 * chunk (`kind: 'data'`) and finally the terminal status (`kind: 'end'`), whatever it is (complete, error,
 * cancelled, timeout, gap, overflow). A refused request or a lost connection is thrown.
 */
export class TaskStream {
  #items = [];
  #waiters = [];
  #failure = null;
  #finished = false;
  #pending;
  #client;

  constructor(client, pending, answer) {
    this.#client = client;
    this.#pending = pending;
    /** The request's RESPONSE_OK: `{taskId, traceId, decision, body}` for a submit, the body for a subscribe. */
    this.answer = answer;
    this.answer.catch(() => {}); // the iterator reports it
    /** The terminal status, once it came. */
    this.end = null;
    /** The task id, once the answer named it. */
    this.taskId = null;
  }

  /** Cancels the task (TASK_CANCEL); the stream then ends with status `cancelled`. */
  async cancel() {
    if (this.taskId) return this.#client.cancel(this.taskId);
    if (this.#client.protocolVersion === 2 && this.#pending.requestId) {
      return this.#client.cancelRequest(this.#pending.requestId);
    }
    throw new Error('the task id is not known yet; wait for stream.answer');
  }

  _push(item) {
    if (this.#finished) return;
    if (item.kind === 'end') {
      this.end = item;
      this.#finished = true;
    }
    const waiter = this.#waiters.shift();
    if (waiter) waiter.resolve({ value: item, done: false });
    else this.#items.push(item);
    if (this.#finished) this.#flushDone();
  }

  /** Drops what was received and not read yet (an abort ends the reading at once). */
  _discard() {
    this.#items = [];
  }

  _fail(error) {
    if (this.#finished) return;
    this.#finished = true;
    this.#failure = error;
    for (const w of this.#waiters.splice(0)) w.reject(error);
  }

  #flushDone() {
    for (const w of this.#waiters.splice(0)) w.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator]() {
    return {
      next: () => {
        if (this.#items.length > 0) return Promise.resolve({ value: this.#items.shift(), done: false });
        if (this.#failure) {
          const f = this.#failure;
          this.#failure = null;
          return Promise.reject(f);
        }
        if (this.#finished) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
      },
      // Leaving the loop early stops delivery; the task is not cancelled (use cancel() or a signal).
      return: () => {
        this.#pending.done = true;
        this.#items = [];
        this.#finished = true;
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}

export class GatewayClient {
  #socket;
  #decoder = new FrameDecoder();
  #v1 = []; // v1 requests, in the order sent: v1 answers come in that order
  #v2 = new Map(); // v2 requests by request id
  #nextId = 1;
  #lost = null; // the ConnectionLostError once the connection ended
  #unsolicited = null; // an error frame that answered no request: why the gateway closed
  #closed;
  #options;

  /** @private use GatewayClient.connect */
  constructor(socket, socketPath, options) {
    this.#socket = socket;
    this.#options = options;
    this.socketPath = socketPath;
    /** 1 or 2: the framing of this connection's requests. */
    this.protocolVersion = 1;
    /** The CAPABILITIES document read at connect (when negotiated), else null. */
    this.capabilitiesDocument = null;
    this.maxFrameBytes = MAX_FRAME_BYTES;
    this.#closed = new Promise((resolve) => socket.once('close', resolve));
    socket.on('data', (chunk) => this.#onData(chunk));
    socket.on('error', (err) => this.#connectionLost(err));
    socket.on('close', () => this.#connectionLost(null));
  }

  /**
   * Connects to the gateway. `socketPath` defaults to the protocol's rule (defaultSocketPath()). Options:
   * `protocolVersion` ('auto': v2 when CAPABILITIES offers it, else v1; or 1 or 2), `connectTimeoutMs`,
   * `timeoutMs` (the default deadline of each call; 0: none).
   */
  static async connect(socketPath, options) {
    if (socketPath && typeof socketPath === 'object') {
      options = socketPath;
      socketPath = options.socketPath;
    }
    const opts = { ...DEFAULTS, ...(options ?? {}) };
    const path = socketPath ?? defaultSocketPath();
    const socket = await new Promise((resolve, reject) => {
      const s = net.createConnection({ path });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new ConnectionLostError(`cannot connect to ${path}: no connection within ${opts.connectTimeoutMs} ms`));
      }, opts.connectTimeoutMs);
      s.once('connect', () => { clearTimeout(timer); s.removeAllListeners('error'); resolve(s); });
      s.once('error', (err) => {
        clearTimeout(timer);
        reject(new ConnectionLostError(`cannot connect to ${path}: ${err.message}`, { cause: err }));
      });
    });
    const client = new GatewayClient(socket, path, opts);
    if (opts.protocolVersion === 'auto') {
      // Negotiation (docs/PROTOCOL.md, "Version negotiation"): CAPABILITIES in v1, which every gateway answers.
      let caps = null;
      try {
        caps = await client.capabilities({ timeoutMs: opts.connectTimeoutMs });
      } catch (err) {
        if (!(err instanceof GatewayError) || refusesTheConnection(err)) {
          client.close();
          throw err instanceof GatewayError
            ? new ConnectionLostError(`the gateway at ${path} refused the connection: ${err.message}`, { cause: err })
            : err;
        }
        // A gateway that cannot say it speaks v2 (it does not serve CAPABILITIES) is spoken to in v1.
      }
      if (caps && typeof caps === 'object') {
        client.capabilitiesDocument = caps;
        if (Number.isInteger(caps.max_frame_bytes)) client.maxFrameBytes = caps.max_frame_bytes;
      }
      client.protocolVersion = Array.isArray(caps?.protocol_versions) && caps.protocol_versions.includes(2) ? 2 : 1;
    } else if (opts.protocolVersion === 1 || opts.protocolVersion === 2) {
      client.protocolVersion = opts.protocolVersion;
    } else {
      client.close();
      throw new RangeError(`protocolVersion must be 'auto', 1 or 2, not ${opts.protocolVersion}`);
    }
    return client;
  }

  /** True until the connection ends. */
  get isOpen() {
    return this.#lost === null;
  }

  /** Round trip of a PING, in milliseconds. */
  async ping(options) {
    const start = process.hrtime.bigint();
    await this.#request(T.PING, null, options);
    return Number(process.hrtime.bigint() - start) / 1e6;
  }

  /** The gateway's CAPABILITIES document. */
  capabilities(options) {
    return this.#request(T.CAPABILITIES, null, options);
  }

  /**
   * TASK_SUBMIT (native format): `{taskType, payload, tenantId?, policyId?, taskId?, metadata?, constraints?,
   * deadlineMs?, idempotencyKey?, traceparent?}`; resolves to `{taskId, traceId, decision, body}`.
   * Options: `timeoutMs` (also sent as `deadline_ms` when the request has none), `signal` (abort: TASK_CANCEL).
   */
  async submit(request, options) {
    const body = wireSubmit(request);
    if (body.payload === undefined) body.payload = {};
    return submitResult(await this.#submit(body, options));
  }

  /**
   * TASK_SUBMIT in the C gateway's legacy editor format: `{taskType, file?, line?, context?, params?, …}`; every
   * field but the envelope becomes the task's payload. Resolves like submit().
   */
  async submitLegacy(request, options) {
    const body = { command: 'task_submit', ...wireSubmit(request) };
    if ('payload' in body) throw new TypeError('a legacy submit has no payload field (its fields are the payload)');
    return submitResult(await this.#submit(body, options));
  }

  #submit(body, options = {}) {
    const timeoutMs = options.timeoutMs ?? this.#options.timeoutMs;
    if (timeoutMs > 0 && body.deadline_ms === undefined) body.deadline_ms = timeoutMs;
    // v1 cancels by task id, so a cancellable v1 submit gets one from us rather than from the gateway.
    if (options.signal && this.protocolVersion === 1 && body.task_id === undefined) body.task_id = randomUUID();
    return this.#request(T.TASK_SUBMIT, body, { ...options, timeoutMs, cancelTaskId: body.task_id });
  }

  /**
   * A streaming submit (`"stream": true`): returns a TaskStream at once; iterate it for the chunks and the
   * terminal status; `stream.answer` is the submit's answer. Options: `timeoutMs` (for the answer), `signal`.
   */
  stream(request, options = {}) {
    const body = wireSubmit(request);
    if (body.payload === undefined && body.command === undefined) body.payload = {};
    body.stream = true;
    if (options.signal && this.protocolVersion === 1 && body.task_id === undefined) body.task_id = randomUUID();
    return this.#openStream(T.TASK_SUBMIT, body, options, true);
  }

  /**
   * STREAM_SUBSCRIBE: attaches to the stream of a task this uid submitted (e.g. after a restart), from
   * `fromSeq` (default 1). Returns a TaskStream like stream(); leaving it does not cancel the task.
   */
  subscribe(taskId, options = {}) {
    const body = { task_id: taskId };
    if (options.fromSeq !== undefined) body.from_seq = options.fromSeq;
    return this.#openStream(T.STREAM_SUBSCRIBE, body, options, false);
  }

  /** TASK_QUERY: the task's status as the gateway (or the Router) knows it. */
  query(taskId, options) {
    return this.#request(T.TASK_QUERY, { task_id: taskId }, options);
  }

  /** TASK_CANCEL of a task: its submit is answered CANCELLED, its stream ends with `cancelled`. */
  cancel(taskId, options) {
    return this.#request(T.TASK_CANCEL, { task_id: taskId }, options);
  }

  /** v2 only: TASK_CANCEL of a submit still in flight on this connection, by its request id. */
  cancelRequest(requestId, options) {
    return this.#request(T.TASK_CANCEL, { request_id: requestId }, options);
  }

  /** Closes the connection; whatever is in flight fails with ConnectionLostError. */
  async close() {
    if (this.#lost === null) {
      this.#connectionLost(null, 'the client closed the connection');
      this.#socket.end();
      setTimeout(() => this.#socket.destroy(), 1000).unref();
    }
    await this.#closed;
  }

  async [Symbol.asyncDispose ?? Symbol.for('nodejs.asyncDispose')]() {
    await this.close();
  }

  #openStream(type, body, options, isSubmit) {
    let stream;
    let resolveAnswer;
    let rejectAnswer;
    const answer = new Promise((res, rej) => { resolveAnswer = res; rejectAnswer = rej; });
    const pending = new Pending('stream', () => {}, (err) => { rejectAnswer(err); stream._fail(err); });
    pending.onStreamAnswer = (value) => {
      if (pending.timer) clearTimeout(pending.timer);
      pending.timer = null;
      stream.taskId = value.task_id ?? null;
      resolveAnswer(isSubmit ? submitResult(value) : value);
    };
    stream = new TaskStream(this, pending, answer);
    pending.stream = stream;
    this.#send(type, body, pending, { ...options, cancelTaskId: body.task_id });
    return stream;
  }

  #request(type, body, options = {}) {
    return new Promise((resolve, reject) => {
      this.#send(type, body, new Pending('single', resolve, reject), options);
    });
  }

  #send(type, body, pending, options) {
    const { signal } = options;
    const timeoutMs = options.timeoutMs ?? this.#options.timeoutMs;
    if (this.#lost) return pending.fail(this.#lost);
    if (signal?.aborted) return pending.fail(abortReason(signal));
    const payload = body === null ? null : Buffer.from(JSON.stringify(body), 'utf8');
    const version = this.protocolVersion;
    const size = (payload?.length ?? 0) + (version === 2 ? 10 : 6);
    if (size > this.maxFrameBytes) {
      return pending.fail(new RangeError(`the request is ${size} bytes, more than the gateway's ${this.maxFrameBytes}`));
    }
    if (version === 2) {
      pending.requestId = this.#takeRequestId();
      this.#v2.set(pending.requestId, pending);
    } else {
      this.#v1.push(pending);
    }
    if (timeoutMs > 0) {
      pending.timer = setTimeout(() => pending.fail(new DeadlineExceededError(timeoutMs)), timeoutMs);
      pending.timer.unref?.();
    }
    if (signal) {
      const onAbort = () => {
        if (pending.done && !(pending.kind === 'stream' && !pending.stream.end)) return;
        this.#cancelInFlight(pending, options.cancelTaskId);
        pending.done = false;
        pending.stream?._discard();
        pending.fail(abortReason(signal)); // a stream's frames until its end are consumed and dropped
      };
      signal.addEventListener('abort', onAbort, { once: true });
      pending.detach = () => signal.removeEventListener('abort', onAbort);
    }
    this.#socket.write(encodeFrame(version, type, pending.requestId, payload));
  }

  // TASK_CANCEL for an aborted request: by request id in v2 while the task id is unknown, else by task id.
  #cancelInFlight(pending, taskId) {
    const known = pending.stream?.taskId ?? taskId;
    const body = known ? { task_id: known } : this.protocolVersion === 2 ? { request_id: pending.requestId } : null;
    if (body === null || this.#lost) return;
    this.#send(T.TASK_CANCEL, body, new Pending('single', () => {}, () => {}), {});
  }

  #takeRequestId() {
    for (;;) {
      const id = this.#nextId;
      this.#nextId = id === MAX_REQUEST_ID ? 1 : id + 1;
      if (!this.#v2.has(id)) return id; // an id is in use until its answer (or its stream's end)
    }
  }

  #onData(chunk) {
    let frames;
    try {
      frames = this.#decoder.push(chunk);
    } catch (err) {
      this.#protocolFailure(err.message);
      return;
    }
    for (const frame of frames) this.#onFrame(frame);
  }

  #onFrame(frame) {
    let pending;
    if (frame.version === 2) {
      pending = this.#v2.get(frame.requestId);
      if (!pending) return; // an answer to nothing we wait for; nothing to do with it
    } else {
      pending = this.#v1[0];
      if (!pending) {
        // A frame that answers no request (connection limit, idle timeout): why the connection ends.
        if (frame.type === T.RESPONSE_ERROR) this.#unsolicited = this.#gatewayError(frame);
        return;
      }
    }
    let finished;
    try {
      finished = this.#deliver(pending, frame);
    } catch (err) {
      this.#protocolFailure(`unreadable ${frame.type.toString(16)} frame: ${err.message}`);
      return;
    }
    if (finished) {
      if (frame.version === 2) this.#v2.delete(frame.requestId);
      else this.#v1.shift();
    }
  }

  /** Hands one frame to its request; true when that request is over. */
  #deliver(pending, frame) {
    switch (frame.type) {
      case T.PONG:
        pending.answer(null);
        return true;
      case T.RESPONSE_OK: {
        const body = parseJson(frame.payload);
        if (pending.kind === 'stream' && !pending.answered) {
          pending.answered = true;
          if (!pending.done) pending.onStreamAnswer(body);
          return false;
        }
        pending.answer(body);
        return true;
      }
      case T.RESPONSE_ERROR:
        pending.fail(this.#gatewayError(frame));
        return true;
      case T.STREAM_DATA: {
        if (pending.kind !== 'stream') throw new Error('a stream chunk for a request that is not a stream');
        if (!pending.done) {
          const b = parseJson(frame.payload);
          pending.stream._push({ kind: 'data', taskId: b.task_id, seq: b.seq, data: b.data ?? null, dataBase64: b.data_base64 ?? null });
        }
        return false;
      }
      case T.STREAM_COMPLETE:
      case T.STREAM_ERROR: {
        if (pending.kind !== 'stream') throw new Error('a stream end for a request that is not a stream');
        const b = parseJson(frame.payload);
        if (!pending.done) {
          pending.stream._push({
            kind: 'end', ok: b.ok === true, status: b.status, taskId: b.task_id, traceId: b.trace_id ?? null,
            chunks: b.chunks, bytes: b.bytes, usage: b.usage ?? null,
            error: frame.type === T.STREAM_ERROR ? new GatewayError(b) : null, body: b,
          });
          pending.settle();
        }
        return true;
      }
      default:
        throw new Error(`type 0x${frame.type.toString(16)} is not a gateway answer`);
    }
  }

  #gatewayError(frame) {
    let body;
    try {
      body = parseJson(frame.payload);
    } catch {
      body = { ok: false, error: { message: 'unreadable error frame' } };
    }
    return new GatewayError(body);
  }

  #protocolFailure(message) {
    const err = new ProtocolError(`the gateway sent an invalid frame: ${message}`);
    this.#failAll(err);
    this.#lost = new ConnectionLostError('the connection was closed after an invalid frame', { cause: err });
    this.#socket.destroy();
  }

  #connectionLost(err, why) {
    if (this.#lost) return;
    const reason = why ?? (this.#unsolicited
      ? `the gateway closed the connection: ${this.#unsolicited.message}`
      : `the connection to ${this.socketPath} was lost${err ? `: ${err.message}` : ''}`);
    this.#lost = new ConnectionLostError(reason, { cause: this.#unsolicited ?? err ?? undefined });
    this.#failAll(this.#lost);
  }

  #failAll(error) {
    const all = [...this.#v1.splice(0), ...this.#v2.values()];
    this.#v2.clear();
    for (const p of all) p.fail(error);
  }
}
