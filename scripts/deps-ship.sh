#!/bin/sh
# Install, from the distribution's packages, what `make static image deb`
# and the deployment tests (tests/ship/) need and is missing: the static
# archives come with scripts/deps.sh's -dev packages; this adds the image
# builder and runtime, the Debian packaging tools and systemd's analyzers.
# Quiet when nothing is missing.
set -eu

PKGS="buildah podman runc conmon debhelper dpkg-dev fakeroot lintian file
systemd logrotate python3-yaml"

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "deps-ship: not a Debian/Ubuntu system; make sure these are installed:" $PKGS >&2
	exit 1
fi

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps-ship: missing:$missing — run as root, or install them with apt-get" >&2
	exit 1
fi
echo "deps-ship: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq
# systemd is installed for its tools (systemd-analyze, systemd-journald,
# journalctl), not to run as PID 1.
# shellcheck disable=SC2086
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing >/dev/null
