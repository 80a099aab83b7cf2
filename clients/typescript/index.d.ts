/// <reference types="node" />
// Type declarations of @beamline/ipc-client (the package is plain ES modules; no build step).

export interface ConnectOptions {
  /** Default: the protocol's rule, see defaultSocketPath(). */
  socketPath?: string;
  /** 'auto' (default): v2 when the gateway's CAPABILITIES offers it, else v1. */
  protocolVersion?: 'auto' | 1 | 2;
  /** Default 5000. */
  connectTimeoutMs?: number;
  /** Default deadline of each call in milliseconds (default 30000; 0: none). */
  timeoutMs?: number;
}

export interface CallOptions {
  /** This call's deadline in ms; the call fails with DeadlineExceededError when it passes. */
  timeoutMs?: number;
  /** Aborting sends TASK_CANCEL for a submit or stream and rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface SubmitRequest {
  taskType: string;
  payload?: Record<string, unknown>;
  tenantId?: string;
  policyId?: string;
  taskId?: string;
  metadata?: Record<string, unknown>;
  constraints?: Record<string, unknown>;
  /** Sent as deadline_ms; defaults to the call's timeoutMs. */
  deadlineMs?: number;
  idempotencyKey?: string;
  traceparent?: string;
  /** Any other field is sent as given. */
  [field: string]: unknown;
}

export interface LegacySubmitRequest {
  taskType: string;
  file?: string;
  line?: number;
  context?: string;
  params?: Record<string, unknown>;
  tenantId?: string;
  policyId?: string;
  taskId?: string;
  [field: string]: unknown;
}

export interface SubmitResult {
  taskId: string;
  traceId: string | null;
  /** The Router's decision exactly as received. */
  decision: any;
  /** The whole RESPONSE_OK payload. */
  body: Record<string, any>;
}

export interface StreamChunk {
  kind: 'data';
  taskId: string;
  seq: number;
  /** The chunk as text, or null when it was not UTF-8 (then dataBase64). */
  data: string | null;
  dataBase64: string | null;
}

export type StreamStatus = 'complete' | 'error' | 'cancelled' | 'timeout' | 'gap' | 'overflow';

export interface StreamEnd {
  kind: 'end';
  ok: boolean;
  status: StreamStatus;
  taskId: string;
  traceId: string | null;
  chunks: number;
  bytes: number;
  usage: Record<string, unknown> | null;
  /** The STREAM_ERROR's error; null when complete. */
  error: GatewayError | null;
  body: Record<string, any>;
}

export declare class TaskStream implements AsyncIterable<StreamChunk | StreamEnd> {
  /** The request's RESPONSE_OK: a SubmitResult for a submit, the body for a subscribe. */
  readonly answer: Promise<any>;
  /** The terminal status, once it came. */
  readonly end: StreamEnd | null;
  /** The task id, once the answer named it. */
  readonly taskId: string | null;
  /** TASK_CANCEL: the stream then ends with status 'cancelled'. */
  cancel(): Promise<Record<string, any>>;
  [Symbol.asyncIterator](): AsyncIterator<StreamChunk | StreamEnd>;
}

export declare class GatewayClient {
  static connect(socketPath?: string, options?: ConnectOptions): Promise<GatewayClient>;
  static connect(options: ConnectOptions): Promise<GatewayClient>;
  readonly socketPath: string;
  /** The framing of this connection's requests. */
  readonly protocolVersion: 1 | 2;
  /** The CAPABILITIES read at connect ('auto'), else null. */
  readonly capabilitiesDocument: Record<string, any> | null;
  readonly maxFrameBytes: number;
  readonly isOpen: boolean;
  /** Round trip in milliseconds. */
  ping(options?: CallOptions): Promise<number>;
  capabilities(options?: CallOptions): Promise<Record<string, any>>;
  submit(request: SubmitRequest, options?: CallOptions): Promise<SubmitResult>;
  submitLegacy(request: LegacySubmitRequest, options?: CallOptions): Promise<SubmitResult>;
  stream(request: SubmitRequest, options?: CallOptions): TaskStream;
  subscribe(taskId: string, options?: CallOptions & { fromSeq?: number }): TaskStream;
  query(taskId: string, options?: CallOptions): Promise<Record<string, any>>;
  cancel(taskId: string, options?: CallOptions): Promise<Record<string, any>>;
  /** v2 only: cancel a submit of this connection still in flight, by its request id. */
  cancelRequest(requestId: number, options?: CallOptions): Promise<Record<string, any>>;
  close(): Promise<void>;
}

export declare class IpcError extends Error {}

export declare class GatewayError extends IpcError {
  readonly code: number;
  readonly status: number;
  readonly reason: string;
  readonly gatewayMessage: string;
  readonly retryable: boolean;
  readonly retryAfterMs: number | null;
  /** The Router's own error (code, intake_error_code, details) on the Router path. */
  readonly router: { code: string; intake_error_code?: string; details?: Record<string, unknown> } | null;
  readonly details: Record<string, unknown> | null;
  readonly taskId: string | null;
  readonly traceId: string | null;
  readonly body: Record<string, any>;
}

export declare class ConnectionLostError extends IpcError {}
export declare class DeadlineExceededError extends IpcError {
  readonly timeoutMs: number;
}
export declare class ProtocolError extends IpcError {}

export declare const LEGACY_SOCKET_PATH: string;
/** $BEAMLINE_IPC_SOCKET_PATH, $CGW_IPC_SOCKET_PATH, $XDG_RUNTIME_DIR/beamline/gateway.sock, /tmp/beamline-gateway.sock. */
export declare function defaultSocketPath(env?: Record<string, string | undefined>): string;

export declare const MessageType: Readonly<{
  TASK_SUBMIT: 0x01; TASK_QUERY: 0x02; TASK_CANCEL: 0x03; STREAM_SUBSCRIBE: 0x04; STREAM_DATA: 0x05;
  STREAM_COMPLETE: 0x06; STREAM_ERROR: 0x07; RESPONSE_OK: 0x10; RESPONSE_ERROR: 0x11; PING: 0xf0; PONG: 0xf1;
  CAPABILITIES: 0xf2;
}>;
export declare const MAX_FRAME_BYTES: number;
export interface Frame {
  version: 1 | 2;
  type: number;
  requestId: number;
  payload: Buffer;
}
export declare function encodeFrame(version: 1 | 2, type: number, requestId: number, payload: Buffer | null): Buffer;
export declare class FrameDecoder {
  constructor(maxFrameBytes?: number);
  push(chunk: Buffer): Frame[];
}
