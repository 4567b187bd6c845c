"""Socket.queue_stats(): the ferrozmq extension for queue metrics (issue 14)."""

import threading

import ferrozmq as zmq


def test_router_unroutable_and_routing_ids(ctx):
    router = ctx.socket(zmq.ROUTER)
    dealer = ctx.socket(zmq.DEALER)
    dealer.setsockopt(zmq.ROUTING_ID, b"d1")
    router.bind("inproc://py-stats-router")
    dealer.connect("inproc://py-stats-router")
    for _ in range(3):
        router.send_multipart([b"nobody", b"lost"])
    router.send_multipart([b"d1", b"a", b"b"])
    stats = router.queue_stats()
    assert stats["dropped_unroutable"] == 3
    assert stats["outbound"] == 1
    (peer,) = stats["peers"]
    assert peer["routing_id"] == b"d1" and peer["outbound"] == 1
    assert peer["endpoint"] == "inproc://py-stats-router"
    assert dealer.queue_stats()["inbound"] == 1
    assert dealer.recv_multipart() == [b"a", b"b"]
    assert dealer.queue_stats()["inbound"] == 0


def test_pub_drops_at_hwm(ctx):
    pub = ctx.socket(zmq.PUB)
    sub = ctx.socket(zmq.SUB)
    pub.sndhwm = 4
    sub.rcvhwm = 4
    pub.bind("inproc://py-stats-pub")
    sub.connect("inproc://py-stats-pub")
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    for i in range(30):
        pub.send(b"%d" % i)
    stats = pub.queue_stats()
    assert (stats["outbound"], stats["dropped_hwm"]) == (8, 22)
    assert stats["peers"][0]["dropped_hwm"] == 22


def test_inbound_under_concurrent_sends(ctx):
    pull = ctx.socket(zmq.PULL)
    pull.bind("inproc://py-stats-load")
    push = ctx.socket(zmq.PUSH)
    push.sndhwm = 0
    pull.rcvhwm = 0
    push.connect("inproc://py-stats-load")
    total = 20000
    sent = [0]

    def sender():
        for i in range(total):
            push.send(b"%d" % i)
            sent[0] += 1

    t = threading.Thread(target=sender)
    t.start()
    received = 0
    while received < total:
        before = sent[0]
        inbound = pull.queue_stats()["inbound"]
        after = sent[0]
        assert before - received <= inbound <= after + 1 - received
        for _ in range(min(inbound, 500)):
            assert pull.recv() == b"%d" % received
            received += 1
    t.join()
    assert pull.queue_stats()["inbound"] == 0
