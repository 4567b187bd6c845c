#!/usr/bin/env bash
# Fetches one Debian source package into <dir>/src, once: `apt-get source`
# with a private deb-src list made from the machine's own Debian mirror (the
# system's apt setup is left alone). Used through libzmq-src.sh (libzmq's
# tests and perf/ tools) and by steps/czmq-selftest.sh (CZMQ's selftest).
#
#   bash .ci/debian-src.sh <dir> <package>=<version> <unpacked-dir-name>
#   bash .ci/debian-src.sh target/czmq-selftest czmq=4.2.1-1 czmq-4.2.1
set -euo pipefail
dir="${1:?usage: debian-src.sh <dir> <package>=<version> <unpacked-dir-name>}"
spec="${2:?package=version}"
unpacked="${3:?unpacked directory name}"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)" # apt wants absolute paths
src="$dir/src"
[ -f "$src/.fetched" ] && exit 0
aptdir="$dir/apt"
rm -rf "$aptdir" "$src"
mkdir -p "$aptdir/lists/partial" "$aptdir/fetch"
uri="$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
    awk '/^URIs:/ && $2 ~ /debian\/?$/ { print $2; exit }')"
[ -n "$uri" ] || uri="$(awk '$1 == "deb" && $2 ~ /debian\/?$/ { print $2; exit }' \
    /etc/apt/sources.list 2>/dev/null)"
[ -n "$uri" ] || { echo "debian-src: no Debian mirror found in apt's sources" >&2; exit 1; }
codename="$(. /etc/os-release && echo "$VERSION_CODENAME")"
echo "deb-src $uri $codename main" >"$aptdir/sources.list"
aptopts=(-o "Dir::Etc::sourcelist=$aptdir/sources.list" -o "Dir::Etc::sourceparts=-"
    -o "Dir::State::lists=$aptdir/lists")
apt-get "${aptopts[@]}" update -qq
if ! (cd "$aptdir/fetch" && apt-get "${aptopts[@]}" source -qq "$spec" >/dev/null 2>&1); then
    # A mirror may lack a package's Debian part (seen for jzmq): the
    # upstream tarball alone holds the tests we run.
    orig="$(ls "$aptdir/fetch"/*.orig.tar.* 2>/dev/null | head -n 1)"
    [ -n "$orig" ] || { echo "debian-src: could not fetch $spec" >&2; exit 1; }
    (cd "$aptdir/fetch" && tar xf "$orig")
fi
mv "$aptdir/fetch/$unpacked" "$src"
touch "$src/.fetched"
rm -rf "$aptdir"
