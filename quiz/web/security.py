"""The web defences that do not depend on who the learner is.

- `SecurityMiddleware` (plain ASGI, so it costs little per request) adds the security
  headers to every response, refuses request bodies larger than `max_body` (413, also when
  the body comes in chunks without a length), and refuses a form post whose `Origin`
  names another site (403).
- The headers: a strict Content-Security-Policy (only this site's own style sheet and
  script, no inline script or style, no framing, forms post only here), `X-Frame-Options:
  DENY` for old browsers, `nosniff`, no referrer to other sites (the one-time link must
  not leak), pages
  never cached (they hold a learner's health questions), and HSTS over HTTPS.
- CSRF: every form carries `csrf_token(secret, sid)`, an HMAC of the browser's session id;
  `check_csrf` compares it in constant time.
- `parse_form`: a url-encoded form, with a cap on the number of fields.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: request bodies above this are refused: the longest real form is a few typed answers
DEFAULT_MAX_BODY = 64 * 1024
MAX_FIELDS = 64

CSP = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; connect-src 'self'"
)

SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("content-security-policy", CSP),
    ("x-frame-options", "DENY"),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "same-origin"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
    ("permissions-policy", "camera=(), microphone=(), geolocation=(), payment=()"),
)
HSTS = ("strict-transport-security", "max-age=31536000")
NO_STORE = ("cache-control", "no-store")


def security_headers(https: bool, *, static: bool = False) -> list[tuple[str, str]]:
    """Every header the site sends (as text pairs)."""
    headers = list(SECURITY_HEADERS)
    if https:
        headers.append(HSTS)
    if not static:
        headers.append(NO_STORE)
    return headers


class BodyTooLarge(Exception):
    """The request body is over the size cap."""


class SecurityMiddleware:
    """Headers on every response, the body cap, and the cross-site form check."""

    def __init__(
        self,
        app: ASGIApp,
        max_body: int = DEFAULT_MAX_BODY,
        error_page: Callable[[int], bytes] | None = None,
    ) -> None:
        self.app = app
        self.max_body = max_body
        #: the friendly page for a status this middleware sends itself (403, 400, 413)
        self.error_page = error_page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"
        static = str(scope.get("path", "")).startswith("/static/")
        extra = [(k.encode(), v.encode()) for k, v in security_headers(https, static=static)]
        names = {k for k, _ in extra}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message["headers"] = kept + extra
            await send(message)

        headers = dict(scope.get("headers", []))
        if scope.get("method") == "POST" and not same_origin(headers):
            await self._refuse(send_with_headers, 403)
            return
        length = headers.get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_body
            except ValueError:
                await self._refuse(send_with_headers, 400)
                return
            if too_big:
                await self._refuse(send_with_headers, 413)
                return
        received = 0

        async def capped_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge
            return message

        await self.app(scope, capped_receive, send_with_headers)

    async def _refuse(self, send: Send, status: int) -> None:
        if self.error_page is not None:
            body, kind = self.error_page(status), b"text/html; charset=utf-8"
        else:
            body, kind = _PLAIN.get(status, "Refused.").encode(), b"text/plain; charset=utf-8"
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})


_PLAIN = {
    400: "Bad request.",
    403: "Forbidden: a form from another site.",
    413: "The request is too large.",
}


def same_origin(headers: dict[bytes, bytes]) -> bool:
    """A post is from this site, as far as the browser says: `Sec-Fetch-Site` (sent by every
    current browser) is same-origin (or none: typed by the user), else `Origin`, when sent
    and not "null", names the host the request was sent to. The CSRF token is the defence
    that does not depend on what the browser sends; this refuses cross-site posts early."""
    site = headers.get(b"sec-fetch-site")
    if site is not None:
        return site in (b"same-origin", b"none")
    origin = headers.get(b"origin")
    if origin is None or origin == b"null":
        return True
    host = headers.get(b"x-forwarded-host") or headers.get(b"host") or b""
    try:
        netloc = urlsplit(origin.decode("latin-1")).netloc
    except ValueError:
        return False
    return netloc.lower() == host.decode("latin-1").lower()


def csrf_token(secret: bytes, sid: str) -> str:
    """The CSRF token of forms shown to the browser with session id `sid`."""
    return hmac.new(secret, b"csrf\x00" + sid.encode(), hashlib.sha256).hexdigest()


def check_csrf(secret: bytes, sid: str | None, given: str | None) -> bool:
    """Whether a posted token is the one for this browser's session."""
    if not sid or not given:
        return False
    return hmac.compare_digest(csrf_token(secret, sid), given)


class Form:
    """A url-encoded form: each field's values in order."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._values: dict[str, list[str]] = {}
        for k, v in pairs:
            self._values.setdefault(k, []).append(v)

    def get(self, name: str, default: str = "") -> str:
        """The first value of a field ("" or `default` when absent)."""
        values = self._values.get(name)
        return values[0] if values else default

    def get_all(self, name: str) -> list[str]:
        """Every value of a field (checkboxes with one name)."""
        return list(self._values.get(name, ()))

    def __contains__(self, name: object) -> bool:
        return name in self._values


class FormError(ValueError):
    """The body is not a form this site could have sent."""


def parse_form(body: bytes, content_type: str) -> Form:
    """Parse a url-encoded body; raises `FormError` for another content type, bad UTF-8 or
    more than `MAX_FIELDS` fields."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if body and kind != "application/x-www-form-urlencoded":
        raise FormError("not a form")
    try:
        text = body.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except (UnicodeDecodeError, ValueError) as e:
        raise FormError("not a form") from e
    return Form(pairs)
