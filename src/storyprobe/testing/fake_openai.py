"""A real HTTP server on 127.0.0.1 that speaks the OpenAI chat-completions protocol and
answers from a script. Use it to run Inspect end to end without a real provider:

.. code-block:: python

    with FakeOpenAIServer(lambda request: FakeReply(content="Hello")) as server:
        os.environ["FAKE_BASE_URL"] = server.base_url
        os.environ["FAKE_API_KEY"] = "unused"
        eval(task, model="openai-api/fake/scripted")
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from logging import getLogger
from typing import Any

logger = getLogger(__name__)

__all__ = ["FakeOpenAIServer", "FakeReply", "Responder", "tool_call"]


@dataclass
class FakeReply:
    """One scripted answer.

    Attributes:
        content: Assistant text.
        tool_calls: Native tool calls (see :func:`tool_call`).
        status: HTTP status; anything but 200 answers with an OpenAI-style error body.
        delay: Seconds to wait before answering (to simulate a slow or hung provider).
        raw_body: Send these bytes verbatim instead of a JSON completion (malformed replies).
    """

    content: str | None = None
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200
    delay: float = 0.0
    raw_body: bytes | None = None


Responder = Callable[[dict[str, Any]], FakeReply]


def tool_call(function: str, arguments: dict[str, Any] | str) -> dict[str, Any]:
    """A native tool call in OpenAI wire format (a string ``arguments`` is sent as is)."""
    encoded = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return {
        "id": f"call_{uuid.uuid4().hex[:12]}",
        "type": "function",
        "function": {"name": function, "arguments": encoded},
    }


class FakeOpenAIServer:
    """Serve ``POST /v1/chat/completions`` from a responder function, on loopback only.

    Every request body is kept in :attr:`requests`. Use as a context manager; the server
    runs in a daemon thread and stops on exit.
    """

    def __init__(self, responder: Responder, port: int = 0) -> None:
        self.responder = responder
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """Base URL to give the OpenAI client, e.g. ``http://127.0.0.1:PORT/v1``."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> FakeOpenAIServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _answer(self, request: dict[str, Any]) -> tuple[int, bytes]:
        with self._lock:
            self.requests.append(request)
        reply = self.responder(request)
        if reply.delay:
            time.sleep(reply.delay)
        if reply.raw_body is not None:
            return reply.status, reply.raw_body
        if reply.status != 200:
            error = {"error": {"message": "scripted failure", "type": "server_error"}}
            return reply.status, json.dumps(error).encode()
        return 200, json.dumps(_completion(request, reply)).encode()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                try:
                    request = json.loads(self.rfile.read(length) or b"{}")
                except json.JSONDecodeError:
                    self._send(400, b'{"error": {"message": "request body is not JSON"}}')
                    return
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._send(404, b'{"error": {"message": "only /v1/chat/completions"}}')
                    return
                if request.get("stream"):
                    self._send(400, b'{"error": {"message": "streaming is not scripted"}}')
                    return
                self._send(*server._answer(request))

            def _send(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting
                    logger.debug("fake provider: client closed the connection")

            def log_message(self, format: str, *args: Any) -> None:
                logger.debug("fake provider: " + format, *args)

        return Handler


def _completion(request: dict[str, Any], reply: FakeReply) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.content}
    if reply.tool_calls:
        message["tool_calls"] = reply.tool_calls
    prompt_tokens = sum(len(str(m.get("content") or "")) // 4 for m in request.get("messages", []))
    completion_tokens = len(reply.content or "") // 4 + 10 * len(reply.tool_calls)
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model", "scripted"),
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": "tool_calls" if reply.tool_calls else "stop",
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }
