"""``python -m ferrozmq.curve_keygen``: prints a new CURVE key pair (as pyzmq's
``zmq.curve_keygen``): Z85 text, or JSON with ``--json``; ``--secret KEY``
prints the public key of an existing secret key."""

import argparse
import json
import sys


def main(argv=None):
    """Entry point."""
    from . import curve_keypair, curve_public

    module = __spec__.name if __spec__ is not None else "ferrozmq.curve_keygen"
    parser = argparse.ArgumentParser(prog=f"python3 -m {module}", description=__doc__)
    parser.add_argument("--secret", help="a secret key (Z85) to derive the public key of")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    if args.secret:
        secret = args.secret.encode("ascii")
        public = curve_public(secret)
    else:
        public, secret = curve_keypair()
    keys = {"public": public.decode("ascii"), "secret": secret.decode("ascii")}
    if args.json:
        print(json.dumps(keys, indent=1))
    else:
        print("== CURVE PUBLIC KEY ==")
        print(keys["public"])
        print("== CURVE SECRET KEY ==")
        print(keys["secret"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
