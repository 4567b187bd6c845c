"""Ironhouse: CURVE with certificates, after pyzmq's ironhouse example.

    python ironhouse.py [endpoint]

Makes server and client certificates in a temporary directory, guards the
server with a ThreadAuthenticator that accepts only clients whose public
certificate is in the directory (and only from 127.0.0.1), then sends one
message over the encrypted connection. Runs on pyzmq unchanged with
`import zmq` instead.
"""

import os
import sys
import tempfile

import ferrozmq as zmq
import ferrozmq.auth
from ferrozmq.auth.thread import ThreadAuthenticator


def main(endpoint="tcp://127.0.0.1:9000"):
    with tempfile.TemporaryDirectory() as keys:
        public_dir = os.path.join(keys, "public")
        os.mkdir(public_dir)
        _, server_secret_file = zmq.auth.create_certificates(keys, "server")
        client_public_file, client_secret_file = zmq.auth.create_certificates(keys, "client")
        os.replace(client_public_file, os.path.join(public_dir, "client.key"))

        ctx = zmq.Context()
        auth = ThreadAuthenticator(ctx)
        auth.start()
        auth.allow("127.0.0.1")
        auth.configure_curve(domain="*", location=public_dir)
        try:
            server = ctx.socket(zmq.PUSH)
            server_public, server_secret = zmq.auth.load_certificate(server_secret_file)
            server.curve_secretkey = server_secret
            server.curve_publickey = server_public
            server.curve_server = True
            server.bind(endpoint)

            client = ctx.socket(zmq.PULL)
            client_public, client_secret = zmq.auth.load_certificate(client_secret_file)
            client.curve_secretkey = client_secret
            client.curve_publickey = client_public
            client.curve_serverkey = server_public
            client.connect(endpoint)

            server.send(b"Hello")
            if client.poll(5000):
                print(f"Ironhouse test OK: {client.recv()}")
            else:
                print("Ironhouse test FAIL")
                return 1
        finally:
            auth.stop()
            ctx.destroy(linger=0)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
