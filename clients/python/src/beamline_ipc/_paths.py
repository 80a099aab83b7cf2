import os
from typing import Mapping, Optional

#: The C gateway's path, used when XDG_RUNTIME_DIR is unusable.
LEGACY_SOCKET_PATH = "/tmp/beamline-gateway.sock"


def default_socket_path(env: Optional[Mapping[str, str]] = None) -> str:
    """The socket path when the caller names none (docs/PROTOCOL.md, "Transport"): ``$BEAMLINE_IPC_SOCKET_PATH``,
    else ``$CGW_IPC_SOCKET_PATH``, else ``$XDG_RUNTIME_DIR/beamline/gateway.sock`` when XDG_RUNTIME_DIR is an
    absolute path, else ``/tmp/beamline-gateway.sock``. Empty or blank variables count as unset."""
    env = os.environ if env is None else env

    def value(name: str) -> Optional[str]:
        v = env.get(name)
        return v if v and v.strip() else None

    explicit = value("BEAMLINE_IPC_SOCKET_PATH") or value("CGW_IPC_SOCKET_PATH")
    if explicit:
        return explicit
    runtime = value("XDG_RUNTIME_DIR")
    if runtime and os.path.isabs(runtime):
        return os.path.join(runtime, "beamline", "gateway.sock")
    return LEGACY_SOCKET_PATH
