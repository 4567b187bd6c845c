"""CURVE security: keys, options, and handshakes with real pyzmq."""

import pytest

import ferrozmq

from conftest import free_tcp

zmq = pytest.importorskip("zmq")

#: How long a receive that should succeed may take (ms).
WAIT = 5000
#: How long to wait for a message that must not arrive (ms).
NOTHING = 500


def test_has_curve_and_constants():
    assert ferrozmq.has("curve")
    assert ferrozmq.CURVE == 2
    assert (ferrozmq.CURVE_SERVER, ferrozmq.CURVE_PUBLICKEY) == (47, 48)
    assert (ferrozmq.CURVE_SECRETKEY, ferrozmq.CURVE_SERVERKEY) == (49, 50)


def test_keypair_is_z85_and_public_matches():
    public, secret = ferrozmq.curve_keypair()
    assert isinstance(public, bytes) and len(public) == 40
    assert isinstance(secret, bytes) and len(secret) == 40
    assert ferrozmq.curve_public(secret) == public
    assert ferrozmq.curve_public(secret.decode()) == public
    assert len(ferrozmq.utils.z85.decode(public)) == 32


def test_keys_agree_with_pyzmq():
    public, secret = zmq.curve_keypair()
    assert ferrozmq.curve_public(secret) == public
    public, secret = ferrozmq.curve_keypair()
    assert zmq.curve_public(secret) == public


def test_bad_secret_is_einval():
    with pytest.raises(ferrozmq.ZMQError) as info:
        ferrozmq.curve_public(b"not a key")
    assert info.value.errno == ferrozmq.EINVAL


def test_key_options_in_every_form(ctx):
    public, secret = ferrozmq.curve_keypair()
    sock = ctx.socket(ferrozmq.REQ)
    sock.curve_secretkey = secret
    assert sock.curve_secretkey == secret
    sock.curve_publickey = public.decode()
    assert sock.curve_publickey == public
    sock.setsockopt(ferrozmq.CURVE_SERVERKEY, ferrozmq.utils.z85.decode(public))
    assert sock.getsockopt(ferrozmq.CURVE_SERVERKEY) == public
    assert sock.mechanism == ferrozmq.CURVE
    assert sock.curve_server == 0
    with pytest.raises(ferrozmq.ZMQError):
        sock.curve_serverkey = b"short"
    with pytest.raises(TypeError):
        sock.identity = "text"


def curve_server(sock, secret):
    sock.curve_secretkey = secret
    sock.curve_server = True


def curve_client(sock, server_public):
    public, secret = zmq.curve_keypair()
    sock.curve_publickey = public
    sock.curve_secretkey = secret
    sock.curve_serverkey = server_public


def exchange(client, server):
    client.rcvtimeo = server.rcvtimeo = WAIT
    client.send(b"hello")
    assert server.recv() == b"hello"
    server.send(b"world")
    assert client.recv() == b"world"


def test_ferrozmq_client_pyzmq_server(ctx):
    public, secret = zmq.curve_keypair()
    pctx = zmq.Context()
    server = pctx.socket(zmq.REP)
    try:
        curve_server(server, secret)
        addr = free_tcp()
        server.bind(addr)
        client = ctx.socket(ferrozmq.REQ)
        curve_client(client, public)
        client.connect(addr)
        exchange(client, server)
    finally:
        server.close(linger=0)
        pctx.term()


def test_pyzmq_client_ferrozmq_server(ctx):
    public, secret = ferrozmq.curve_keypair()
    server = ctx.socket(ferrozmq.REP)
    curve_server(server, secret)
    addr = free_tcp()
    server.bind(addr)
    pctx = zmq.Context()
    client = pctx.socket(zmq.REQ)
    try:
        curve_client(client, public)
        client.connect(addr)
        exchange(client, server)
    finally:
        client.close(linger=0)
        pctx.term()


def test_ferrozmq_both_ends(ctx):
    public, secret = ferrozmq.curve_keypair()
    server = ctx.socket(ferrozmq.REP)
    curve_server(server, secret)
    port = server.bind_to_random_port("tcp://127.0.0.1")
    client = ctx.socket(ferrozmq.REQ)
    curve_client(client, public)
    client.connect(f"tcp://127.0.0.1:{port}")
    exchange(client, server)


@pytest.mark.parametrize("server_side", ["ferrozmq", "pyzmq"])
def test_wrong_server_key_gets_nothing(ctx, server_side):
    public, secret = zmq.curve_keypair()
    wrong_public, _ = zmq.curve_keypair()
    pctx = zmq.Context()
    try:
        if server_side == "pyzmq":
            server = pctx.socket(zmq.PULL)
            client = ctx.socket(ferrozmq.PUSH)
        else:
            server = ctx.socket(ferrozmq.PULL)
            client = pctx.socket(zmq.PUSH)
        curve_server(server, secret)
        addr = free_tcp()
        server.bind(addr)
        curve_client(client, wrong_public)
        client.linger = 0
        client.connect(addr)
        assert server.poll(NOTHING) == 0
        client.sndtimeo = NOTHING
        try:
            client.send(b"should not arrive")
        except (zmq.Again, ferrozmq.Again):
            pass
        assert server.poll(NOTHING) == 0
        server.close(linger=0)
        client.close(linger=0)
    finally:
        pctx.term()
