"""Drives xeus-python (`xpython`), a Jupyter kernel written in C++ over
cppzmq and libzmq's C API, from jupyter_client (on real pyzmq): cells,
output, a result, an error, and shutdown. The kernel loads the libzmq.so.5
found through LD_LIBRARY_PATH, which it reports and this script prints.

    python xeus_kernel.py [LIBDIR]    # LIBDIR: the kernel's LD_LIBRARY_PATH
"""

import os
import sys

from jupyter_client.manager import start_new_kernel

# The path of the libzmq the kernel process has mapped.
WHICH_LIBZMQ = (
    "[line.split()[-1] for line in open('/proc/self/maps') if 'libzmq' in line][0]"
)
CELLS = [
    ("print('out' * 3)", "ok", ["outoutout"]),
    ("sum(range(10))", "ok", ["45"]),
    ("1/0", "error", []),
]


def texts(messages):
    """What stream and execute_result messages carried, stripped."""
    found = []
    for m in messages:
        content = m["content"]
        if m["msg_type"] == "stream":
            found.append(content["text"])
        elif m["msg_type"] == "execute_result":
            found.append(content["data"]["text/plain"])
    return [t.strip() for t in found if t.strip()]


def main():
    env = dict(os.environ)
    if len(sys.argv) > 1:
        env["LD_LIBRARY_PATH"] = sys.argv[1]
    km, kc = start_new_kernel(kernel_name="xpython", startup_timeout=90, env=env)
    try:
        seen = []
        kc.execute_interactive(WHICH_LIBZMQ, timeout=60, output_hook=seen.append)
        print("kernel libzmq:", texts(seen))
        for code, status, expected in CELLS:
            seen = []
            reply = kc.execute_interactive(code, timeout=60, output_hook=seen.append)
            got = (reply["content"]["status"], texts(seen))
            print(f"{code!r}: {got}")
            assert got == (status, expected), f"{code!r}: {got}"
        assert km.is_alive()
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    assert not km.is_alive()
    print("xeus kernel: all cells as expected, shut down")


if __name__ == "__main__":
    main()
