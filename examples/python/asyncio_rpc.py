"""asyncio: a ROUTER server answering many DEALER clients concurrently, all in
one event loop (ferrozmq.asyncio, shaped like pyzmq's zmq.asyncio).

    python asyncio_rpc.py [endpoint] [clients] [requests]
"""

import asyncio
import sys

import ferrozmq as zmq
import ferrozmq.asyncio as zaio


async def server(ctx, endpoint, total):
    sock = ctx.socket(zmq.ROUTER)
    sock.bind(endpoint)
    for _ in range(total):
        client, request = await sock.recv_multipart()
        await sock.send_multipart([client, request.upper()])
    sock.close()


async def client(ctx, endpoint, name, requests):
    sock = ctx.socket(zmq.DEALER)
    sock.connect(endpoint)
    for i in range(requests):
        await sock.send_string(f"{name} request {i}")
        reply = await sock.recv_string()
        assert reply == f"{name} request {i}".upper()
    sock.close()
    return name


async def main(endpoint="tcp://127.0.0.1:5559", clients=5, requests=10):
    clients, requests = int(clients), int(requests)
    with zaio.Context() as ctx:
        done = await asyncio.gather(
            server(ctx, endpoint, clients * requests),
            *(client(ctx, endpoint, f"client-{n}", requests) for n in range(clients)),
        )
        print(f"{len(done) - 1} clients got {requests} replies each")


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
