#!/usr/bin/env bash
# Fetches Debian's zeromq3 4.3.4 source (upstream tag v4.3.4) into $1/src,
# once: `apt-get source` with a private deb-src list made from the machine's
# own Debian mirror (the system's apt setup is left alone). Used by
# libzmq-suite.sh (the tests) and benches/two-process/run.sh (perf/ tools).
#
#   bash .ci/libzmq-src.sh target/libzmq-suite    # -> target/libzmq-suite/src
set -euo pipefail
suite_dir="${1:?usage: libzmq-src.sh <dir>}"
mkdir -p "$suite_dir"
suite_dir="$(cd "$suite_dir" && pwd)" # apt wants absolute paths
src="$suite_dir/src"
[ -f "$src/tests/CMakeLists.txt" ] && exit 0
aptdir="$suite_dir/apt"
rm -rf "$aptdir" "$src"
mkdir -p "$aptdir/lists/partial" "$aptdir/fetch"
uri="$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
    awk '/^URIs:/ && $2 ~ /debian\/?$/ { print $2; exit }')"
[ -n "$uri" ] || uri="$(awk '$1 == "deb" && $2 ~ /debian\/?$/ { print $2; exit }' \
    /etc/apt/sources.list 2>/dev/null)"
[ -n "$uri" ] || { echo "libzmq-src: no Debian mirror found in apt's sources" >&2; exit 1; }
codename="$(. /etc/os-release && echo "$VERSION_CODENAME")"
echo "deb-src $uri $codename main" >"$aptdir/sources.list"
aptopts=(-o "Dir::Etc::sourcelist=$aptdir/sources.list" -o "Dir::Etc::sourceparts=-"
    -o "Dir::State::lists=$aptdir/lists")
apt-get "${aptopts[@]}" update -qq
(cd "$aptdir/fetch" && apt-get "${aptopts[@]}" source -qq zeromq3=4.3.4-6 >/dev/null 2>&1)
mv "$aptdir/fetch"/zeromq3-4.3.4 "$src"
rm -rf "$aptdir"
