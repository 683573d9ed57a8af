"""Whether background processing is up: the broker takes messages and a worker answers."""

import logging
import socket

from celery import current_app as app

logger = logging.getLogger(__name__)


def broker_reachable(timeout: float = 0.5) -> bool:
    """Whether a TCP connection to the broker opens.

    Checked before publishing: a Redis client retries a refused connection for seconds, and a
    request must not wait that long.
    """
    connection = app.connection_for_write()
    if connection.transport_cls in ("memory", "kombu.transport.memory:Transport") or not connection.hostname:
        return True
    try:
        with socket.create_connection((connection.hostname, connection.port or 6379), timeout=timeout):
            return True
    except OSError:
        return False


def background_status(*, ping_timeout: float = 1.0) -> dict[str, str]:
    """{"broker": …, "worker": …}, each "ok", "down", "unknown" or "in-process" (no broker)."""
    if app.conf.task_always_eager:
        return {"broker": "in-process", "worker": "in-process"}
    if not broker_reachable():
        return {"broker": "down", "worker": "unknown"}
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:
        logger.warning("background processing: the broker does not answer", exc_info=True)
        return {"broker": "down", "worker": "unknown"}
    try:
        # The first reply is enough: without a limit, ping waits out the whole timeout.
        replies = app.control.ping(timeout=ping_timeout, limit=1)
    except Exception:
        logger.warning("background processing: worker ping failed", exc_info=True)
        replies = []
    return {"broker": "ok", "worker": "ok" if replies else "down"}


def background_is_up(status: dict[str, str]) -> bool:
    return all(value in ("ok", "in-process") for value in status.values())
