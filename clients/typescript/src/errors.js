// Errors as typed values. A GatewayError carries the protocol's error object (docs/PROTOCOL.md, "Errors");
// the others are what happened on this side: the connection ended, a deadline passed, a frame made no sense.

/** Base class of every error this package throws. */
export class IpcError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A RESPONSE_ERROR (or a STREAM_ERROR's `error`) from the gateway, with the protocol's fields. */
export class GatewayError extends IpcError {
  constructor(body) {
    const error = (body && typeof body.error === 'object' && body.error) || {};
    super(`${error.reason ?? 'error'} (code ${error.code ?? '?'}, status ${error.status ?? '?'}): ${error.message ?? ''}`);
    /** Protocol code, e.g. 4 invalid_payload, 5 timeout, 10 cancelled, 14 router_error. */
    this.code = error.code;
    /** HTTP-like status. */
    this.status = error.status;
    /** Stable machine-readable reason, e.g. `duplicate_task_id`, `policy_not_found`. */
    this.reason = error.reason;
    this.gatewayMessage = error.message;
    this.retryable = error.retryable === true;
    this.retryAfterMs = error.retry_after_ms ?? null;
    /** The Router's own error (`code`, `intake_error_code`, `details`) for errors on the Router path. */
    this.router = error.router ?? null;
    this.details = error.details ?? null;
    this.taskId = body?.task_id ?? null;
    this.traceId = body?.trace_id ?? null;
    /** The whole answer as received. */
    this.body = body;
  }
}

/** The connection to the gateway ended (closed, reset, gateway gone); what was in flight is lost. */
export class ConnectionLostError extends IpcError {}

/** The call's own deadline (`timeoutMs`) passed before the gateway answered. */
export class DeadlineExceededError extends IpcError {
  constructor(timeoutMs) {
    super(`no answer within ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}

/** The gateway sent something the protocol does not allow; the connection is closed. */
export class ProtocolError extends IpcError {}
