export { GatewayClient, TaskStream } from './client.js';
export { IpcError, GatewayError, ConnectionLostError, DeadlineExceededError, ProtocolError } from './errors.js';
export { defaultSocketPath, LEGACY_SOCKET_PATH } from './socket-path.js';
export { MessageType, encodeFrame, FrameDecoder, MAX_FRAME_BYTES } from './frame.js';
