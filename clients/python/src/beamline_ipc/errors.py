"""Errors as typed values. A GatewayError carries the protocol's error object (docs/PROTOCOL.md, "Errors");
the others are what happened on this side: the connection ended, a deadline passed, a frame made no sense."""

from typing import Any, Dict, Optional


class IpcError(Exception):
    """Base class of every error this package raises."""


class GatewayError(IpcError):
    """A RESPONSE_ERROR (or a STREAM_ERROR's ``error``) from the gateway, with the protocol's fields."""

    def __init__(self, body: Dict[str, Any]) -> None:
        error = body.get("error") if isinstance(body, dict) else None
        error = error if isinstance(error, dict) else {}
        #: protocol code, e.g. 4 invalid_payload, 5 timeout, 10 cancelled, 14 router_error
        self.code: Optional[int] = error.get("code")
        #: HTTP-like status
        self.status: Optional[int] = error.get("status")
        #: stable machine-readable reason, e.g. ``duplicate_task_id``, ``policy_not_found``
        self.reason: Optional[str] = error.get("reason")
        self.message: str = error.get("message") or ""
        self.retryable: bool = error.get("retryable") is True
        self.retry_after_ms: Optional[int] = error.get("retry_after_ms")
        #: the Router's own error (``code``, ``intake_error_code``, ``details``) on the Router path
        self.router: Optional[Dict[str, Any]] = error.get("router")
        self.details: Optional[Dict[str, Any]] = error.get("details")
        self.task_id: Optional[str] = body.get("task_id") if isinstance(body, dict) else None
        self.trace_id: Optional[str] = body.get("trace_id") if isinstance(body, dict) else None
        #: the whole answer as received
        self.body = body
        super().__init__("%s (code %s, status %s): %s" % (self.reason, self.code, self.status, self.message))


class ConnectionLost(IpcError, ConnectionError):
    """The connection to the gateway ended (closed, reset, gateway gone); what was in flight is lost."""


class DeadlineExceeded(IpcError, TimeoutError):
    """The call's own deadline (``timeout``) passed before the gateway answered."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        super().__init__("no answer within %g s" % timeout)


class ProtocolError(IpcError):
    """The gateway sent something the protocol does not allow; the connection is closed."""
