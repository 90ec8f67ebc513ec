#!/bin/sh
# Install, from the distribution's packages, the runtimes and keepers that
# the host live tests of tests/live/test_serves.py start themselves: podman
# (with conmon, and runc: this machine's hybrid cgroups refuse crun),
# busybox-static (the test image's one binary) and systemd's
# systemd-socket-activate, slirp4netns, and docker.io: docker-proxy run by
# hand with the arguments dockerd gives it, and a dockerd of the tests' own
# (it starts its own containerd; docker.io depends on containerd, iptables
# and runc) in a network namespace made for it, so that its rules stay
# there; uidmap (newuidmap, newgidmap) for rootless podman as a user the
# test makes. `make check` runs it; quiet when nothing is missing.
set -eu

PKGS="podman conmon runc busybox-static systemd docker.io slirp4netns uidmap"

# shellcheck disable=SC2086
exec "$(dirname "$0")/deps.sh" --list deps-serves $PKGS
