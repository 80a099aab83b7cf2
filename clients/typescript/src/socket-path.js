import path from 'node:path';

/** The C gateway's path, used when XDG_RUNTIME_DIR is unusable. */
export const LEGACY_SOCKET_PATH = '/tmp/beamline-gateway.sock';

/**
 * The socket path when the caller names none (docs/PROTOCOL.md, "Transport"): `$BEAMLINE_IPC_SOCKET_PATH`,
 * else `$CGW_IPC_SOCKET_PATH`, else `$XDG_RUNTIME_DIR/beamline/gateway.sock` when XDG_RUNTIME_DIR is an
 * absolute path, else `/tmp/beamline-gateway.sock`. Empty or blank variables count as unset.
 */
export function defaultSocketPath(env = process.env) {
  const set = (v) => (typeof v === 'string' && v.trim() !== '' ? v : null);
  const explicit = set(env.BEAMLINE_IPC_SOCKET_PATH) ?? set(env.CGW_IPC_SOCKET_PATH);
  if (explicit) return explicit;
  const runtime = set(env.XDG_RUNTIME_DIR);
  if (runtime && path.isAbsolute(runtime)) return path.join(runtime, 'beamline', 'gateway.sock');
  return LEGACY_SOCKET_PATH;
}
