"""A stand-in SMS provider: an HTTP server on 127.0.0.1 that records what the SDKs really send.

Tests choose the provider's answer (`answer`, `answer_json`), send through the real SDK, then
read `requests` to see the wire request: method, path, query, headers and body. The server
listens on a port the system picks, serves from a daemon thread and stops at the end of the
`with` block, waking any answer that was told to wait.
"""

import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]  # the last value of each query parameter
    headers: dict[str, str]  # names in lower case
    body: bytes

    def form(self) -> dict[str, str]:
        return {name: values[-1] for name, values in parse_qs(self.body.decode(), keep_blank_values=True).items()}

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class CannedAnswer:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    delay: float = 0.0  # seconds to wait before answering (longer than the client's timeout: a timeout)


@dataclass
class StandinServer:
    answers: list[CannedAnswer] = field(default_factory=list)  # answered in turn; the last one repeats
    requests: list[RecordedRequest] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def host_port(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"{host}:{port}"

    @property
    def url(self) -> str:
        return f"http://{self.host_port}"

    @property
    def last(self) -> RecordedRequest:
        assert self.requests, "the provider received no request"
        return self.requests[-1]

    def answer(self, body: bytes | str = b"", *, status: int = 200, content_type: str = "application/json", delay=0.0):
        raw = body.encode() if isinstance(body, str) else body
        self.answers = [CannedAnswer(status=status, body=raw, content_type=content_type, delay=delay)]

    def answer_json(self, payload: Any, *, status: int = 200, content_type: str = "application/json") -> None:
        self.answer(json.dumps(payload, ensure_ascii=False), status=status, content_type=content_type)

    def __enter__(self) -> "StandinServer":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=2)

    def _next_answer(self) -> CannedAnswer:
        if not self.answers:
            return CannedAnswer(status=500, body=b'{"error": "the test chose no answer"}')
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


def _handler_for(server: StandinServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # the name http.server calls
            self._record_and_answer()

        def do_POST(self) -> None:
            self._record_and_answer()

        def _record_and_answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            query = {name: values[-1] for name, values in parse_qs(parts.query, keep_blank_values=True).items()}
            headers = {name.lower(): value for name, value in self.headers.items()}
            server.requests.append(RecordedRequest(self.command, parts.path, query, headers, body))
            canned = server._next_answer()
            if canned.delay and server._stopping.wait(canned.delay):
                return  # the test is over: drop the connection instead of answering
            self.send_response(canned.status)
            self.send_header("Content-Type", canned.content_type)
            self.send_header("Content-Length", str(len(canned.body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(canned.body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep test output quiet

    return Handler


def closed_port_url() -> str:
    """The URL of a port on 127.0.0.1 where nothing listens: connections are refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
