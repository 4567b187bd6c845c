"""The ZAP handler itself: policy (addresses, passwords, CURVE keys) and the
answer to one request. :class:`Authenticator` does not run by itself: call
:meth:`Authenticator.handle_zap_message` for each request on
:attr:`Authenticator.zap_socket`, or use ``ThreadAuthenticator``."""

import asyncio
import inspect
import logging

from ..constants import REP
from ..context import Context
from ..utils import z85
from .certs import load_certificates

#: ``configure_curve(location=CURVE_ALLOW_ANY)`` accepts every client key.
CURVE_ALLOW_ANY = "*"

#: Where libzmq sockets look for their ZAP handler (RFC 27).
ZAP_ENDPOINT = "inproc://zeromq.zap.01"

#: The ZAP version this handler speaks.
_ZAP_VERSION = b"1.0"


class Authenticator:
    """A ZAP handler for the sockets of ``context`` (default: the global one).

    Policy: :meth:`allow` / :meth:`deny` by IP address (an allow list, if
    any, wins over a deny list), :meth:`configure_plain` (passwords per
    domain), :meth:`configure_curve` (known keys per domain, or any key)
    and :meth:`configure_curve_callback`. NULL peers pass unless their
    address is refused; PLAIN and CURVE peers must also prove themselves.
    """

    def __init__(self, context=None, encoding="utf-8", log=None):
        self.context = context or Context.instance()
        self.encoding = encoding
        self.allow_any = False
        self.credentials_providers = {}
        self.zap_socket = None
        self._allowed = set()
        self._denied = set()
        #: ``{domain: {username: password}}``
        self.passwords = {}
        #: ``{domain: {z85_public_key: True}}``
        self.certs = {}
        self.log = log or logging.getLogger("zmq.auth")

    def start(self):
        """Binds the ZAP socket; from now on the context's sockets ask us."""
        self.zap_socket = self.context.socket(REP)
        self.zap_socket.linger = 1
        self.zap_socket.bind(ZAP_ENDPOINT)
        self.log.debug("Starting")

    def stop(self):
        """Closes the ZAP socket."""
        if self.zap_socket is not None:
            self.zap_socket.close()
        self.zap_socket = None

    # --- policy ------------------------------------------------------------

    def allow(self, *addresses):
        """Accepts only these IP addresses (and any others allowed)."""
        if self._denied:
            raise ValueError("Only use allow or deny, not both")
        self.log.debug("Allowing %s", ",".join(addresses))
        self._allowed.update(addresses)

    def deny(self, *addresses):
        """Refuses these IP addresses."""
        if self._allowed:
            raise ValueError("Only use allow or deny, not both")
        self.log.debug("Denying %s", ",".join(addresses))
        self._denied.update(addresses)

    def configure_plain(self, domain="*", passwords=None):
        """PLAIN for ``domain``: ``passwords`` maps usernames to passwords."""
        self.passwords[domain] = passwords or {}
        self.log.debug("Configure plain: %s", domain)

    def configure_curve(self, domain="*", location=""):
        """CURVE for ``domain``: clients whose public key has a certificate
        in directory ``location``, or any client with ``CURVE_ALLOW_ANY``."""
        self.log.debug("Configure curve: %s[%s]", domain, location)
        if location == CURVE_ALLOW_ANY:
            self.allow_any = True
            return
        self.allow_any = False
        try:
            self.certs[domain] = load_certificates(location)
        except Exception as e:  # an unreadable directory refuses everyone
            self.log.error("Failed to load CURVE certs from %s: %s", location, e)

    def configure_curve_callback(self, domain="*", credentials_provider=None):
        """CURVE for ``domain`` decided by ``credentials_provider.callback(domain, key)``
        (``key``: the client's 32-octet public key), which returns a bool."""
        self.allow_any = False
        if credentials_provider is None:
            self.credentials_providers.pop(domain, None)
        else:
            self.credentials_providers[domain] = credentials_provider

    def configure_gssapi(self, domain="*", location=None):
        """GSSAPI is not supported by ferrozmq."""
        raise NotImplementedError("GSSAPI is not supported by ferrozmq")

    def curve_user_id(self, client_public_key):
        """The User-Id of a CURVE client: its public key as Z85 text."""
        return z85.encode(client_public_key).decode("ascii")

    # --- requests ----------------------------------------------------------

    def handle_zap_message(self, msg):
        """Answers one ZAP request (its frames) on the ZAP socket. An async
        credentials callback is run to completion on a private event loop
        (``AsyncioAuthenticator`` awaits it on the running loop instead)."""
        steps = self._zap_steps(msg)
        answer = None
        try:
            while True:
                answer = _run_to_completion(steps.send(answer))
        except StopIteration as done:
            self._send_zap_reply(*done.value)

    async def _handle_zap_message_async(self, msg):
        """``handle_zap_message`` for a running event loop."""
        steps = self._zap_steps(msg)
        answer = None
        try:
            while True:
                answer = await steps.send(answer)
        except StopIteration as done:
            self._send_zap_reply(*done.value)

    def _zap_steps(self, msg):
        """The decision on one request, as a generator: it yields the
        awaitables of async callbacks (to be sent back their results) and
        returns the ``_send_zap_reply`` arguments."""
        if len(msg) < 6:
            self.log.error("Invalid ZAP message, not enough frames: %r", msg)
            # REP must answer before its next request, so answer anyway.
            request_id = msg[1] if len(msg) > 1 else b""
            return request_id, b"400", b"Not enough frames"
        version, request_id, domain, address, _identity, mechanism = msg[:6]
        credentials = msg[6:]
        if version != _ZAP_VERSION:
            self.log.error("Invalid ZAP version: %r", version)
            return request_id, b"400", b"Invalid version"
        domain = domain.decode(self.encoding, "replace")
        address = address.decode(self.encoding, "replace")
        refusal = self._check_address(address)
        if refusal is not None:
            return request_id, b"400", refusal
        allowed, reason, user_id = yield from self._check_mechanism(mechanism, domain, credentials)
        if allowed:
            return request_id, b"200", b"OK", user_id.encode(self.encoding)
        return request_id, b"400", reason

    def _check_address(self, address):
        """Why the address lists refuse ``address``, or None if they let it pass."""
        if self._allowed and address not in self._allowed:
            return b"Address not allowed"
        if address in self._denied:
            return b"Address denied"
        return None

    def _check_mechanism(self, mechanism, domain, credentials):
        """``(allowed, reason, user_id)`` for a peer whose address passed
        (a generator: see ``_zap_steps``)."""
        if mechanism == b"NULL":
            return True, b"OK", ""
        if mechanism == b"PLAIN" and len(credentials) == 2:
            username = credentials[0].decode(self.encoding, "replace")
            password = credentials[1].decode(self.encoding, "replace")
            ok, reason = self._authenticate_plain(domain, username, password)
            return ok, reason, username
        if mechanism == b"CURVE" and len(credentials) == 1:
            key = credentials[0]
            ok, reason = yield from self._authenticate_curve(domain, key)
            return ok, reason, self.curve_user_id(key) if ok else ""
        return False, b"Unsupported mechanism", ""

    def _authenticate_plain(self, domain, username, password):
        """``(allowed, reason)`` for a PLAIN username and password."""
        domain = domain or "*"
        passwords = self.passwords.get(domain)
        if passwords is None:
            return False, b"Unknown domain"
        if username not in passwords:
            return False, b"Invalid username"
        if passwords[username] != password:
            return False, b"Invalid password"
        return True, b"OK"

    def _authenticate_curve(self, domain, client_key):
        """``(allowed, reason)`` for a CURVE client's 32-octet public key
        (a generator: see ``_zap_steps``)."""
        domain = domain or "*"
        if self.allow_any:
            return True, b"OK"
        provider = self.credentials_providers.get(domain)
        if provider is not None:
            # As pyzmq: the callback gets the key as Z85 and may be async.
            verdict = provider.callback(domain, z85.encode(client_key))
            if inspect.isawaitable(verdict):
                verdict = yield verdict
            if verdict:
                return True, b"OK"
            return False, b"Unknown key"
        known = self.certs.get(domain)
        if known is None:
            return False, b"Unknown domain"
        if known.get(z85.encode(client_key)):
            return True, b"OK"
        return False, b"Unknown key"

    def _send_zap_reply(self, request_id, status_code, status_text, user_id=b""):
        """Sends the six frames of a ZAP reply (RFC 27)."""
        self.log.debug("ZAP reply code=%s text=%s", status_code, status_text)
        self.zap_socket.send_multipart(
            [_ZAP_VERSION, request_id, status_code, status_text, user_id, b""]
        )


def _run_to_completion(awaitable):
    """The result of an awaitable, run on a private event loop (we are in a
    thread, or a caller, without a running loop)."""

    async def wait():
        return await awaitable

    return asyncio.run(wait())


__all__ = ["Authenticator", "CURVE_ALLOW_ANY"]
