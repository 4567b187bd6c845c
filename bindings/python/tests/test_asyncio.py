"""ferrozmq.asyncio: awaitable send/recv/poll, Poller, cancellation without loss."""

import asyncio

import pytest
import zmq as pyzmq

import ferrozmq as zmq
import ferrozmq.asyncio as zaio


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 20))


@pytest.fixture
def actx():
    c = zaio.Context()
    yield c
    c.destroy(linger=0)


def test_req_rep_roundtrip(actx, endpoint):
    async def main():
        rep = actx.socket(zmq.REP)
        rep.bind(endpoint)
        req = actx.socket(zmq.REQ)
        req.connect(endpoint)

        async def server():
            for _ in range(20):
                msg = await rep.recv_multipart()
                await rep.send_multipart(msg + [b"ok"])

        task = asyncio.ensure_future(server())
        for i in range(20):
            await req.send_string(f"n{i}")
            assert await req.recv_multipart() == [f"n{i}".encode(), b"ok"]
        await task
        await req.send_json({"x": 1})
        assert await rep.recv_json() == {"x": 1}
        await rep.send_pyobj([1])
        assert await req.recv_pyobj() == [1]

    run(main())


def test_instance_is_async(actx):
    inst = zaio.Context.instance()
    assert isinstance(inst, zaio.Context)
    assert zmq.Context.instance() is not inst
    assert isinstance(inst.socket(zmq.PUSH), zaio.Socket)


def test_poll_and_timeouts(actx):
    async def main():
        a = actx.socket(zmq.PAIR)
        a.bind("inproc://apoll")
        b = actx.socket(zmq.PAIR)
        b.connect("inproc://apoll")
        assert await b.poll(20) == 0
        await a.send(b"x")
        assert await b.poll(1000) == zmq.POLLIN
        assert await b.recv() == b"x"
        b.rcvtimeo = 30
        with pytest.raises(zmq.Again):
            await b.recv()
        with pytest.raises(zmq.Again):
            await b.recv(zmq.DONTWAIT)
        poller = zaio.Poller()
        poller.register(b, zmq.POLLIN)
        assert await poller.poll(20) == []

    async def main2():
        a = actx.socket(zmq.PAIR)
        a.bind("inproc://apoll2")
        b = actx.socket(zmq.PAIR)
        b.connect("inproc://apoll2")
        poller = zaio.Poller()
        poller.register(b, zmq.POLLIN)
        sender = asyncio.ensure_future(delayed_send(a, b"later"))
        assert await poller.poll(5000) == [(b, zmq.POLLIN)]
        await sender
        assert await b.recv() == b"later"

    async def delayed_send(sock, data):
        await asyncio.sleep(0.05)
        await sock.send(data)

    run(main())
    run(main2())


def test_concurrent_send_and_recv_on_one_socket(actx):
    async def main():
        a = actx.socket(zmq.DEALER)
        a.bind("inproc://both")
        b = actx.socket(zmq.DEALER)
        b.connect("inproc://both")

        async def echo():
            for _ in range(50):
                await b.send(await b.recv())

        async def produce():
            for i in range(50):
                await a.send(str(i).encode())

        async def consume():
            return [await a.recv() for _ in range(50)]

        _, got, _ = await asyncio.gather(echo(), consume(), produce())
        assert got == [str(i).encode() for i in range(50)]

    run(main())


def test_cancelled_recv_loses_nothing(actx):
    async def main():
        a = actx.socket(zmq.PUSH)
        a.bind("inproc://cancel")
        b = actx.socket(zmq.PULL)
        b.connect("inproc://cancel")
        received = []
        for i in range(200):
            task = asyncio.ensure_future(b.recv())
            await asyncio.sleep(0)  # the task starts waiting
            await a.send(str(i).encode())
            if i % 2:
                await asyncio.sleep(0)
            task.cancel()
            try:
                received.append(await task)
            except asyncio.CancelledError:
                pass
        while True:
            try:
                received.append(await b.recv(zmq.DONTWAIT))
            except zmq.Again:
                break
        assert received == [str(i).encode() for i in range(200)]

    run(main())


def test_async_interop_with_pyzmq(actx, endpoint):
    async def main():
        theirs = pyzmq.asyncio.Context()
        try:
            pull = theirs.socket(pyzmq.PULL)
            pull.linger = 0
            pull.bind(endpoint)
            push = actx.socket(zmq.PUSH)
            push.connect(endpoint)
            for i in range(10):
                await push.send_multipart([b"k", str(i).encode()])
            for i in range(10):
                assert await pull.recv_multipart() == [b"k", str(i).encode()]
        finally:
            theirs.destroy(linger=0)

    import zmq.asyncio  # noqa: F401  (pyzmq's)

    run(main())
