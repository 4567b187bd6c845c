"""SSH tunnels for ZeroMQ connections, as pyzmq's ``zmq.ssh.tunnel``, with
the system's OpenSSH client (``ssh -L``) and key-based login only: pyzmq's
paramiko and password prompts (pexpect) are not here.

::

    tunnel_connection(sock, "tcp://10.0.0.5:5555", "user@gateway")

connects ``sock`` to a local port forwarded through ``gateway`` to
``10.0.0.5:5555``.
"""

import socket
import subprocess
import time
from urllib.parse import urlparse


def select_random_ports(n):
    """``n`` distinct local TCP ports free right now."""
    held = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            held.append(s)
        return [s.getsockname()[1] for s in held]
    finally:
        for s in held:
            s.close()


def _split_server(server):
    """``user@host:port`` into ``(user@host, port)``; port None if absent."""
    if ":" in server.rsplit("@", 1)[-1]:
        server, port = server.rsplit(":", 1)
        return server, int(port)
    return server, None


def openssh_tunnel(lport, rport, server, remoteip="127.0.0.1", keyfile=None, password=None, timeout=60):
    """Forwards local port ``lport`` to ``remoteip:rport`` as seen from
    ``server`` with ``ssh -f -N -L``; the tunnel closes after ``timeout``
    seconds without a connection. Returns the ssh process."""
    if password is not None:
        raise NotImplementedError("password logins need pexpect: use a key (keyfile=) or ssh-agent")
    server, port = _split_server(server)
    command = ["ssh", "-o", "ExitOnForwardFailure=yes", "-o", "BatchMode=yes"]
    if keyfile:
        command += ["-i", keyfile]
    if port:
        command += ["-p", str(port)]
    command += ["-L", f"127.0.0.1:{lport}:{remoteip}:{rport}", server, f"sleep {int(timeout)}"]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"ssh tunnel to {server} failed (exit status {process.returncode})")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", lport)) == 0:
                return process
        time.sleep(0.1)
    process.terminate()
    raise RuntimeError(f"ssh tunnel to {server} did not come up")


def open_tunnel(addr, server, keyfile=None, password=None, paramiko=None, timeout=60):
    """Opens a tunnel to the tcp endpoint ``addr`` through ``server``;
    returns ``(local endpoint, ssh process)``."""
    if paramiko:
        raise NotImplementedError("paramiko tunnels are not supported: OpenSSH only")
    url = urlparse(addr)
    if url.scheme != "tcp" or url.port is None:
        raise ValueError(f"only tcp://host:port endpoints can be tunneled, not {addr!r}")
    remote = url.hostname
    if remote in ("*", "0.0.0.0"):
        remote = "127.0.0.1"
    (lport,) = select_random_ports(1)
    process = openssh_tunnel(lport, url.port, server, remote, keyfile, password, timeout)
    return f"tcp://127.0.0.1:{lport}", process


def tunnel_connection(socket, addr, server, keyfile=None, password=None, paramiko=None, timeout=60):
    """Connects ``socket`` to ``addr`` through an SSH tunnel via ``server``;
    returns the ssh process (the tunnel)."""
    new_addr, process = open_tunnel(addr, server, keyfile, password, paramiko, timeout)
    socket.connect(new_addr)
    return process


__all__ = ["select_random_ports", "openssh_tunnel", "open_tunnel", "tunnel_connection"]
