#!/bin/sh
# apt.sh SUITE apt-get|apt-cache ARGS...: runs apt-get or apt-cache on
# Debian SUITE (bookworm, trixie, ...) for arm64 through a private apt
# configuration: its own sources list, package lists, cache and an empty
# dpkg status, so that apt resolves arm64 dependencies as if nothing were
# installed. The machine's own apt configuration and dpkg database are never
# changed (no foreign architecture is added). The archive is the one the
# machine's own sources name. Lists and downloaded .debs are kept in
# $ARM64_CACHE/apt-SUITE (default build/cache/arm64), fetched on first use;
# `apt.sh SUITE update` refreshes them. ARM64_CACHE must have no spaces.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 SUITE apt-get|apt-cache ARGS... | $0 SUITE update" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd -P)
REPO=$(cd "$HERE/../../.." && pwd -P)
SUITE=$1
shift
CACHE=${ARM64_CACHE:-$REPO/build/cache/arm64}
D=$CACHE/apt-$SUITE
mkdir -p "$D/lists/partial" "$D/cache/archives/partial"
D=$(cd "$D" && pwd -P)

# The mirror the machine uses (deb822 or one-line format), else Debian's.
MIRROR=$(sed -n 's|^URIs: *\(http[^ ]*/debian\)/*$|\1|p; s|^deb \(\[[^]]*\] \)\?\(http[^ ]*/debian\)/* .*|\2|p' \
	/etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | head -n 1)
MIRROR=${MIRROR:-http://deb.debian.org/debian}
cat >"$D/sources.list" <<EOS
deb [arch=arm64] $MIRROR $SUITE main
deb [arch=arm64] $MIRROR $SUITE-updates main
deb [arch=arm64] ${MIRROR}-security $SUITE-security main
EOS

TOOL=$1
shift
OPTS="-o APT::Architecture=arm64 -o APT::Architectures=arm64
	-o Dir::State::status=/dev/null -o Dir::State::Lists=$D/lists
	-o Dir::Cache=$D/cache -o Dir::Etc::sourcelist=$D/sources.list
	-o Dir::Etc::sourceparts=/dev/null -o APT::Sandbox::User=root
	-o Debug::NoLocking=1"
# First use: fetch the lists.
if [ "$TOOL" != update ] && ! ls "$D"/lists/*_Packages* >/dev/null 2>&1; then
	# shellcheck disable=SC2086 # options without spaces (D has none: mkdir'd above)
	apt-get $OPTS -q update >/dev/null
fi
case $TOOL in
update) TOOL=apt-get; set -- -q update ;;
apt-get | apt-cache) ;;
*) echo "$0: apt-get, apt-cache or update, not $TOOL" >&2; exit 2 ;;
esac
# shellcheck disable=SC2086
exec "$TOOL" $OPTS "$@"
