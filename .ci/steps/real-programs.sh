#!/usr/bin/env bash
# Real programs made for libzmq, unchanged (Debian's builds, linked with
# libzmq.so.5), run on ferrozmq's library by LD_LIBRARY_PATH, each case
# first on Debian's libzmq so that the check itself is proven:
#   1. ffmpeg's zmq: protocol (libavformat, PUB/SUB): one ffmpeg streams
#      MPEG-TS to another, which decodes frames;
#   2. ffmpeg's zmq filter (libavfilter, a REP socket taking commands),
#      driven by a pyzmq REQ: libzmq's exact replies;
#   3. xeus-python (`xpython`), a Jupyter kernel in C++ over cppzmq, driven
#      by jupyter_client on pyzmq (bindings/c/tests/xeus_kernel.py).
# About a minute, most of it installing ffmpeg and xeus-python.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
step() { echo "-- real-programs: $*"; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
if ! command -v ffmpeg >/dev/null || ! command -v xpython >/dev/null ||
    ! dpkg -s python3-ipython >/dev/null 2>&1; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq ffmpeg xpython python3-ipython >/dev/null
fi
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q pyzmq jupyter_client
py="$work/venv/bin/python"

step "ferrozmq's library"
cargo build --release -q -p ferrozmq-ffi
bash bindings/c/install.sh "$work/prefix" >/dev/null
ours="$work/prefix/lib"
debian="$(dirname "$(readlink -f "$(ldconfig -p | awk '/libzmq\.so\.5 / { print $NF; exit }')")")"
# Which libzmq.so.5 ffmpeg loads under each LD_LIBRARY_PATH.
for lib in "$debian" "$ours"; do
    LD_LIBRARY_PATH="$lib" ldd "$(command -v ffmpeg)" | grep "libzmq.so.5 => $lib/" >/dev/null ||
        { echo "ffmpeg does not load $lib/libzmq.so.5" >&2; exit 1; }
done

# 1. Streaming: "receiver-lib sender-lib"; the receiver decodes 2 s of video.
for libs in "$debian $debian" "$ours $ours" "$ours $debian" "$debian $ours"; do
    set -- $libs
    step "ffmpeg zmq: stream, receiver on $1, sender on $2"
    port="$(free_port)"
    LD_LIBRARY_PATH="$1" timeout 60 ffmpeg -hide_banner -nostdin -analyzeduration 500000 \
        -probesize 32768 -i "zmq:tcp://127.0.0.1:$port" -t 2 -f null - >"$work/recv.log" 2>&1 &
    receiver=$!
    sleep 0.5
    LD_LIBRARY_PATH="$2" timeout 60 ffmpeg -hide_banner -nostdin -loglevel error -re \
        -f lavfi -i testsrc=duration=6:size=160x120:rate=25 -f mpegts "zmq:tcp://127.0.0.1:$port"
    wait "$receiver" || { tail -n 20 "$work/recv.log" >&2; exit 1; }
    frames="$(grep -o 'frame= *[0-9]*' "$work/recv.log" | tail -n 1 | grep -o '[0-9]*$')"
    echo "decoded $frames frames"
    # 2 s at 25 frames/s; the first may go before the subscription arrives.
    [ "${frames:-0}" -ge 25 ] || { tail -n 20 "$work/recv.log" >&2; exit 1; }
done

# 2. Commands to ffmpeg's zmq filter (a REP socket in libavfilter).
cat >"$work/commands.py" <<'EOF'
import sys
import zmq

req = zmq.Context().socket(zmq.REQ)
req.rcvtimeo = 10000
req.connect(sys.argv[1])
for command in ("Parsed_hue_1 s 0", "Parsed_hue_1 nosuch 1", "nofilter x 1", "Parsed_hue_1 s 1"):
    req.send_string(command)
    print(command, "->", req.recv_string())
EOF
for lib in "$debian" "$ours"; do
    step "ffmpeg zmq filter (REP) on $lib, commands from pyzmq"
    port="$(free_port)"
    LD_LIBRARY_PATH="$lib" timeout 60 ffmpeg -hide_banner -nostdin -loglevel error -re \
        -f lavfi -i testsrc=duration=4:size=160x120:rate=25 \
        -vf "zmq=bind_address=tcp\\\\://127.0.0.1\\\\:$port,hue=s=1" -f null - &
    filter=$!
    timeout 30 "$py" "$work/commands.py" "tcp://127.0.0.1:$port" | tee "$work/replies-$(basename "$lib").txt"
    wait "$filter"
done
diff "$work/replies-$(basename "$debian").txt" "$work/replies-$(basename "$ours").txt"
grep -q "Parsed_hue_1 s 0 -> 0 Success" "$work/replies-$(basename "$ours").txt"

# 3. A C++ Jupyter kernel over cppzmq.
for lib in "$debian" "$ours"; do
    step "xeus-python kernel (C++, cppzmq) on $lib, jupyter_client on pyzmq"
    (cd "$work" && timeout 180 "$py" "$root/bindings/c/tests/xeus_kernel.py" "$lib") |
        tee "$work/xeus.txt"
    grep -q "kernel libzmq: \[\"'$lib/libzmq.so" "$work/xeus.txt" ||
        { echo "the kernel did not run on $lib/libzmq.so.5" >&2; exit 1; }
done
echo "real-programs: all checks passed"
