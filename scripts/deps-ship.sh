#!/bin/sh
# Install, from the distribution's packages, what `make static image deb`
# and the deployment tests (tests/ship/) need and is missing: the static
# archives come with scripts/deps.sh's -dev packages; this adds the image
# builder and runtime, the Debian packaging tools and systemd's analyzers.
# Quiet when nothing is missing. scripts/deps.sh does the installing.
set -eu

# systemd is installed for its tools (systemd-analyze, systemd-journald,
# journalctl), not to run as PID 1.
PKGS="buildah podman runc conmon debhelper dpkg-dev fakeroot lintian file
systemd logrotate python3-yaml"

# shellcheck disable=SC2086
exec "$(dirname "$0")/deps.sh" --list deps-ship $PKGS
