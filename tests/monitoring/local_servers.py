"""Loopback servers that speak the real protocols the sinks use: HTTP (a webhook receiver,
or Slack's Web API ``chat.postMessage``) and SMTP. Each records what it received."""

from __future__ import annotations

import json
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class HttpRequest:
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class HttpRecorder:
    """Answers POSTs with the scripted statuses first, then with ``default_status``,
    always with the JSON body ``answer``."""

    base_url: str = ""
    scripted_statuses: list[int] = field(default_factory=list)
    default_status: int = 200
    answer: dict[str, Any] = field(default_factory=lambda: {"ok": True})
    requests: list[HttpRequest] = field(default_factory=list)


@contextmanager
def http_recorder() -> Iterator[HttpRecorder]:
    recorder = HttpRecorder()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            content_type = self.headers.get("Content-Type", "")
            body = json.loads(raw) if "json" in content_type else raw.decode()
            recorder.requests.append(HttpRequest(self.path, dict(self.headers), body))
            status = (
                recorder.scripted_statuses.pop(0)
                if recorder.scripted_statuses
                else recorder.default_status
            )
            payload = json.dumps(recorder.answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the test asserts on recorded requests, not on the server's log."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    recorder.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield recorder
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class ReceivedMail:
    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class SmtpServer:
    host: str
    port: int
    received: list[ReceivedMail] = field(default_factory=list)


class _SmtpSession(socketserver.StreamRequestHandler):
    """The commands smtplib sends for a plain (no TLS, no AUTH) delivery, per RFC 5321."""

    server: _SmtpTcpServer

    def handle(self) -> None:
        self._reply("220 127.0.0.1 test SMTP ready")
        sender, recipients = "", list[str]()
        while line := self.rfile.readline():
            command = line.decode().rstrip("\r\n")
            verb = command[:4].upper()
            if verb == "EHLO":
                self._reply("250-127.0.0.1", "250 8BITMIME")
            elif verb in ("HELO", "RSET", "NOOP"):
                self._reply("250 OK")
            elif verb == "MAIL":
                sender, recipients = _address(command), list[str]()
                self._reply("250 OK")
            elif verb == "RCPT":
                recipients.append(_address(command))
                self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 end data with <CR><LF>.<CR><LF>")
                message = message_from_bytes(self._read_data(), policy=policy.default)
                assert isinstance(message, EmailMessage)
                self.server.state.received.append(ReceivedMail(sender, recipients, message))
                self._reply("250 OK queued")
            elif verb == "QUIT":
                self._reply("221 bye")
                return
            else:
                self._reply("502 command not implemented")

    def _read_data(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)

    def _reply(self, *lines: str) -> None:
        self.wfile.write("".join(f"{line}\r\n" for line in lines).encode())


class _SmtpTcpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    state: SmtpServer


def _address(command: str) -> str:
    return command.split(":", 1)[1].split()[0].strip("<>")


@contextmanager
def smtp_server() -> Iterator[SmtpServer]:
    server = _SmtpTcpServer(("127.0.0.1", 0), _SmtpSession)
    server.state = SmtpServer("127.0.0.1", server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.state
    finally:
        server.shutdown()
        server.server_close()
