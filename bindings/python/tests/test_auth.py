"""zmq.auth: a ThreadAuthenticator (ZAP over inproc) guarding ferrozmq
servers, with ferrozmq and pyzmq clients; certificate files both ways."""

import asyncio
import os

import pytest

import ferrozmq
import ferrozmq.auth
from ferrozmq.auth import CURVE_ALLOW_ANY
from ferrozmq.auth.thread import ThreadAuthenticator

from conftest import free_tcp

zmq = pytest.importorskip("zmq")
import zmq.auth  # noqa: E402  (pyzmq's, for its certificate files)

#: How long a receive that should succeed may take (ms).
WAIT = 5000
#: How long to wait for a message that must not arrive (ms).
NOTHING = 500


@pytest.fixture
def auth(ctx):
    """A running ThreadAuthenticator on the test's context."""
    authenticator = ThreadAuthenticator(ctx)
    authenticator.start()
    yield authenticator
    authenticator.stop()


@pytest.fixture
def pctx():
    """A pyzmq context for the clients."""
    context = zmq.Context()
    yield context
    context.destroy(linger=0)


def client_in(kind, ctx, pctx):
    """A PUSH socket of ferrozmq (in ``ctx``) or pyzmq (in ``pctx``)."""
    if kind == "ferrozmq":
        sock = ctx.socket(ferrozmq.PUSH)
    else:
        sock = pctx.socket(zmq.PUSH)
    sock.linger = 0
    return sock


def send_within(server, client, addr, ms):
    """Connects ``client`` to ``addr``, sends, and returns the frame ``server``
    got within ``ms`` milliseconds, or None."""
    client.connect(addr)
    client.sndtimeo = ms
    try:
        client.send(b"knock")
    except (zmq.Again, ferrozmq.Again):
        return None
    if not server.poll(ms):
        return None
    frame = server.recv(copy=False)
    assert frame.bytes == b"knock"
    return frame


def delivered(server, client, addr):
    """The frame from ``client`` that must reach ``server``."""
    frame = send_within(server, client, addr, WAIT)
    assert frame is not None, "the message did not arrive"
    return frame


def refused(server, client, addr):
    """Whether nothing from ``client`` reaches ``server`` (waits NOTHING ms)."""
    return send_within(server, client, addr, NOTHING) is None


def pull_server(ctx):
    """A ferrozmq PULL socket bound on a fresh tcp port: (socket, addr)."""
    server = ctx.socket(ferrozmq.PULL)
    server.linger = 0
    addr = free_tcp()
    return server, addr


PEERS = ["ferrozmq", "pyzmq"]


@pytest.mark.parametrize("peer", PEERS)
def test_plain_right_password(ctx, pctx, auth, peer):
    auth.configure_plain(domain="*", passwords={"admin": "secret"})
    server, addr = pull_server(ctx)
    server.plain_server = True
    server.bind(addr)
    client = client_in(peer, ctx, pctx)
    client.plain_username = b"admin"
    client.plain_password = b"secret"
    frame = delivered(server, client, addr)
    assert frame.get("User-Id") == "admin"


@pytest.mark.parametrize("peer", PEERS)
@pytest.mark.parametrize("user, password", [(b"admin", b"wrong"), (b"nobody", b"secret")])
def test_plain_wrong_credentials(ctx, pctx, auth, peer, user, password):
    auth.configure_plain(domain="*", passwords={"admin": "secret"})
    server, addr = pull_server(ctx)
    server.plain_server = True
    server.bind(addr)
    client = client_in(peer, ctx, pctx)
    client.plain_username = user
    client.plain_password = password
    assert refused(server, client, addr)


def test_plain_without_passwords_for_domain(ctx, pctx, auth):
    auth.configure_plain(domain="other", passwords={"admin": "secret"})
    server, addr = pull_server(ctx)
    server.plain_server = True
    server.bind(addr)
    client = client_in("pyzmq", ctx, pctx)
    client.plain_username = b"admin"
    client.plain_password = b"secret"
    assert refused(server, client, addr)


def curve_server(ctx):
    """A ferrozmq CURVE server (PULL) and its public key."""
    server, addr = pull_server(ctx)
    public, secret = ferrozmq.curve_keypair()
    server.curve_secretkey = secret
    server.curve_server = True
    server.bind(addr)
    return server, addr, public


def curve_client(sock, server_public, public, secret):
    sock.curve_serverkey = server_public
    sock.curve_publickey = public
    sock.curve_secretkey = secret


@pytest.mark.parametrize("peer", PEERS)
def test_curve_allow_any(ctx, pctx, auth, peer):
    auth.configure_curve(domain="*", location=CURVE_ALLOW_ANY)
    server, addr, server_public = curve_server(ctx)
    client = client_in(peer, ctx, pctx)
    public, secret = zmq.curve_keypair()
    curve_client(client, server_public, public, secret)
    frame = delivered(server, client, addr)
    assert frame.get("User-Id") == public.decode()


@pytest.mark.parametrize("peer", PEERS)
def test_curve_certificate_directory(ctx, pctx, auth, peer, tmp_path):
    public_dir = tmp_path / "public"
    secret_dir = tmp_path / "secret"
    public_dir.mkdir()
    secret_dir.mkdir()
    _, known_secret_file = ferrozmq.auth.create_certificates(secret_dir, "known")
    ferrozmq.auth.create_certificates(public_dir, "someone_else")
    known_public = ferrozmq.auth.load_certificate(known_secret_file)[0]
    (public_dir / "known.key").write_text((secret_dir / "known.key").read_text())
    auth.configure_curve(domain="*", location=str(public_dir))
    assert known_public in auth.certs["*"]

    server, addr, server_public = curve_server(ctx)
    known = client_in(peer, ctx, pctx)
    curve_client(known, server_public, *ferrozmq.auth.load_certificate(known_secret_file))
    delivered(server, known, addr)

    stranger = client_in(peer, ctx, pctx)
    curve_client(stranger, server_public, *zmq.curve_keypair())
    assert refused(server, stranger, addr)


def null_server(ctx):
    """A ferrozmq NULL server whose ZAP domain makes it ask the handler."""
    server, addr = pull_server(ctx)
    server.zap_domain = b"global"
    server.bind(addr)
    return server, addr


@pytest.mark.parametrize("peer", PEERS)
def test_ip_deny(ctx, pctx, auth, peer):
    auth.deny("127.0.0.1")
    server, addr = null_server(ctx)
    assert refused(server, client_in(peer, ctx, pctx), addr)


@pytest.mark.parametrize("peer", PEERS)
def test_ip_allow(ctx, pctx, auth, peer):
    auth.allow("127.0.0.1")
    server, addr = null_server(ctx)
    delivered(server, client_in(peer, ctx, pctx), addr)


def test_ip_not_in_allow_list(ctx, pctx, auth):
    auth.allow("192.0.2.1")
    server, addr = null_server(ctx)
    assert refused(server, client_in("pyzmq", ctx, pctx), addr)


def test_allow_and_deny_exclude_each_other(ctx):
    authenticator = ferrozmq.auth.Authenticator(ctx)
    authenticator.allow("127.0.0.1")
    with pytest.raises(ValueError):
        authenticator.deny("10.0.0.1")


def test_stop_and_restart(ctx, pctx):
    for _ in range(2):
        authenticator = ThreadAuthenticator(ctx)
        authenticator.start()
        assert authenticator.is_alive()
        authenticator.stop()
        assert not authenticator.is_alive()


def test_certificates_pyzmq_reads_ours(tmp_path):
    public_file, secret_file = ferrozmq.auth.create_certificates(
        tmp_path, "ours", metadata={"owner": "test"}
    )
    assert os.path.basename(public_file) == "ours.key"
    assert os.path.basename(secret_file) == "ours.key_secret"
    assert os.stat(secret_file).st_mode & 0o077 == 0
    public, secret = zmq.auth.load_certificate(secret_file)
    assert zmq.curve_public(secret) == public
    assert zmq.auth.load_certificate(public_file) == (public, None)
    assert zmq.auth.load_certificates(str(tmp_path)) == {public: True}
    assert ferrozmq.auth.load_certificate(secret_file) == (public, secret)


def test_certificates_we_read_pyzmqs(tmp_path):
    public_file, secret_file = zmq.auth.create_certificates(str(tmp_path), "theirs")
    public, secret = ferrozmq.auth.load_certificate(secret_file)
    assert ferrozmq.curve_public(secret) == public
    assert ferrozmq.auth.load_certificate(public_file) == (public, None)
    assert ferrozmq.auth.load_certificates(tmp_path) == {public: True}


def test_bad_certificates(tmp_path):
    empty = tmp_path / "empty.key"
    empty.write_text("# nothing here\ncurve\n")
    with pytest.raises(ValueError):
        ferrozmq.auth.load_certificate(empty)
    with pytest.raises(OSError):
        ferrozmq.auth.load_certificate(tmp_path / "missing.key")
    with pytest.raises(OSError):
        ferrozmq.auth.load_certificates(tmp_path / "no-such-dir")


class _Recorder:
    """Stands in for the ZAP socket: keeps the replies."""

    def __init__(self):
        self.replies = []

    def send_multipart(self, frames):
        self.replies.append(frames)


def test_malformed_requests_get_400(ctx):
    authenticator = ferrozmq.auth.Authenticator(ctx)
    authenticator.zap_socket = _Recorder()
    authenticator.handle_zap_message([b"2.0", b"7", b"", b"127.0.0.1", b"", b"NULL"])
    authenticator.handle_zap_message([b"1.0", b"8"])
    authenticator.handle_zap_message([b"1.0", b"9", b"", b"127.0.0.1", b"", b"PLAIN", b"x"])
    authenticator.handle_zap_message([b"1.0", b"10", b"", b"127.0.0.1", b"", b"NULL"])
    codes = [(r[1], r[2]) for r in authenticator.zap_socket.replies]
    assert codes == [(b"7", b"400"), (b"8", b"400"), (b"9", b"400"), (b"10", b"200")]
    assert all(r[0] == b"1.0" and len(r) == 6 for r in authenticator.zap_socket.replies)


class _Provider:
    """A CURVE credentials provider knowing one key (Z85), sync or async."""

    def __init__(self, known, use_async):
        self.known = known
        self.seen = []
        self.callback = self._async_callback if use_async else self._callback

    def _callback(self, domain, key):
        self.seen.append(key)
        return key == self.known

    async def _async_callback(self, domain, key):
        await asyncio.sleep(0)
        return self._callback(domain, key)


@pytest.mark.parametrize("use_async", [False, True])
def test_curve_callback_gets_z85_and_may_be_async(ctx, use_async):
    public, _secret = ferrozmq.curve_keypair()
    other, _ = ferrozmq.curve_keypair()
    authenticator = ferrozmq.auth.Authenticator(ctx)
    authenticator.zap_socket = _Recorder()
    provider = _Provider(public, use_async)
    authenticator.configure_curve_callback(credentials_provider=provider)
    for n, key in enumerate((public, other)):
        raw = ferrozmq.utils.z85.decode(key)
        authenticator.handle_zap_message([b"1.0", b"%d" % n, b"", b"127.0.0.1", b"", b"CURVE", raw])
    assert provider.seen == [public, other]
    assert [r[2] for r in authenticator.zap_socket.replies] == [b"200", b"400"]
    assert authenticator.zap_socket.replies[0][4] == public  # User-Id: the Z85 key


def test_asyncio_authenticator_awaits_async_callbacks():
    import ferrozmq.asyncio as zaio
    from ferrozmq.auth.asyncio import AsyncioAuthenticator

    async def main():
        actx = zaio.Context()
        auth = AsyncioAuthenticator(actx)
        auth.zap_socket = _Recorder()
        public, _ = ferrozmq.curve_keypair()
        auth.configure_curve_callback(credentials_provider=_Provider(public, True))
        raw = ferrozmq.utils.z85.decode(public)
        await auth._handle_zap_message_async([b"1.0", b"1", b"", b"127.0.0.1", b"", b"CURVE", raw])
        assert auth.zap_socket.replies[0][2] == b"200"
        actx.term()

    asyncio.run(main())
