"""CURVE certificates as files, in the format pyzmq and czmq (zcert) write.

A certificate named ``name`` is two files in a directory: ``name.key`` with
the public key (to hand out) and ``name.key_secret`` with both keys (kept
private). Each is ZPL text: comment lines, an optional ``metadata`` section,
and a ``curve`` section whose indented ``public-key = "..."`` (and
``secret-key = "..."``) lines hold the keys as Z85.
"""

import datetime
import glob
import os

from .._ferrozmq import curve_keypair

_PUBLIC_BANNER = """\
#   ZeroMQ CURVE Public Certificate
#   Exchange securely, or use a secure mechanism to verify the contents
#   of this file after exchange. Store public certificates in your home
#   directory, in the .curve subdirectory.
"""

_SECRET_BANNER = """\
#   ZeroMQ CURVE **Secret** Certificate
#   DO NOT PROVIDE THIS FILE TO OTHER USERS nor change its permissions.
"""


def _certificate_text(banner, public_key, secret_key=None, metadata=None):
    """The text of a certificate file holding the given keys."""
    lines = [
        f"#   ****  Generated on {datetime.datetime.now()} by ferrozmq  ****",
        banner,
        "metadata",
    ]
    for name, value in (metadata or {}).items():
        lines.append(f'    {name} = "{value}"')
    lines.append("curve")
    lines.append(f'    public-key = "{public_key.decode("ascii")}"')
    if secret_key is not None:
        lines.append(f'    secret-key = "{secret_key.decode("ascii")}"')
    return "\n".join(lines) + "\n"


def create_certificates(key_dir, name, metadata=None):
    """Makes a new key pair and writes it as certificate ``name`` in ``key_dir``.

    ``metadata`` (a dict of str) goes into both files. Returns the paths of
    the public file (``name.key``) and the secret one (``name.key_secret``,
    readable by its owner only).
    """
    public_key, secret_key = curve_keypair()
    base = os.path.join(key_dir, name)
    public_file = base + ".key"
    secret_file = base + ".key_secret"
    with open(public_file, "w", encoding="utf-8") as f:
        f.write(_certificate_text(_PUBLIC_BANNER, public_key, metadata=metadata))
    fd = os.open(secret_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(fd, "w", encoding="utf-8") as f:
        f.write(_certificate_text(_SECRET_BANNER, public_key, secret_key, metadata))
    return public_file, secret_file


def _key_value(line):
    """``(name, value)`` of a ZPL ``name = "value"`` line, else None."""
    name, sep, value = line.partition("=")
    if not sep:
        return None
    return name.strip(), value.strip().strip("\"'")


def load_certificate(filename):
    """The keys in a certificate file: ``(public, secret)`` as Z85 bytes.

    ``secret`` is None for a public certificate. Raises OSError when the
    file cannot be read and ValueError when it holds no public key.
    """
    public_key = secret_key = None
    with open(filename, encoding="utf-8") as f:
        for raw in f:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            pair = _key_value(line)
            if pair is None:
                continue
            if pair[0] == "public-key":
                public_key = pair[1].encode("ascii")
            elif pair[0] == "secret-key":
                secret_key = pair[1].encode("ascii")
    if public_key is None:
        raise ValueError(f"No public key found in {filename}")
    return public_key, secret_key


def load_certificates(directory="."):
    """The public keys of every ``*.key`` certificate in ``directory``, as
    a dict ``{public_key: True}`` (what ``configure_curve`` keeps)."""
    if not os.path.isdir(directory):
        raise OSError(f"Invalid certificate directory: {directory}")
    keys = {}
    for path in sorted(glob.glob(os.path.join(glob.escape(str(directory)), "*.key"))):
        public_key, _ = load_certificate(path)
        keys[public_key] = True
    return keys


__all__ = ["create_certificates", "load_certificate", "load_certificates"]
