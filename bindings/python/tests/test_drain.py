"""Socket.drain(): the ferrozmq extension that stops a socket and hands back
its undelivered messages (issue 14)."""

import pytest

import ferrozmq as zmq


def test_router_hands_back_per_routing_id_and_delivers_none(ctx):
    router = ctx.socket(zmq.ROUTER)
    dealer = ctx.socket(zmq.DEALER)
    dealer.setsockopt(zmq.ROUTING_ID, b"d1")
    router.bind("inproc://py-drain-router")
    dealer.connect("inproc://py-drain-router")
    for i in range(3):
        router.send_multipart([b"d1", b"%d" % i, b"tail"])
    assert dealer.recv_multipart() == [b"0", b"tail"]
    drained = router.drain()
    assert drained["messages"] == [[b"1", b"tail"], [b"2", b"tail"]]
    (peer,) = drained["unsent"]
    assert peer["routing_id"] == b"d1" and len(peer["messages"]) == 2
    assert drained["stats"]["outbound"] == 2
    with pytest.raises(zmq.ZMQError) as e:
        router.send_multipart([b"d1", b"late"])
    assert e.value.errno == zmq.EFSM
    dealer.rcvtimeo = 50
    with pytest.raises(zmq.Again):
        dealer.recv()


def test_pull_keeps_what_arrived(ctx):
    pull = ctx.socket(zmq.PULL)
    push = ctx.socket(zmq.PUSH)
    pull.bind("inproc://py-drain-pull")
    push.connect("inproc://py-drain-pull")
    push.send(b"a")
    push.send(b"b")
    drained = pull.drain()
    assert drained["messages"] == [] and drained["stats"]["inbound"] == 2
    assert [pull.recv(), pull.recv()] == [b"a", b"b"]


def test_push_to_an_absent_peer(ctx):
    push = ctx.socket(zmq.PUSH)
    push.connect("tcp://127.0.0.1:9")
    for i in range(5):
        push.send_multipart([b"m%d" % i, b"x"], zmq.DONTWAIT)
    drained = push.drain()
    assert drained["messages"] == [[b"m%d" % i, b"x"] for i in range(5)]
    assert drained["unsent"][0]["endpoint"] == "tcp://127.0.0.1:9"
