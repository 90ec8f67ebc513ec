#!/bin/sh
# Build the OCI image of portsnoop from scratch with buildah: the static
# binary and the JSON Schema, nothing else (no shell, no package manager).
# No registry is needed; the result is an OCI archive.
#   scripts/image.sh BINARY VERSION ARCHIVE
# Containers storage is private to the build (build/containers, driver vfs:
# works as root on any filesystem, no overlay or fuse needed), so the
# machine's own /var/lib/containers is left as it was.
set -eu
bin=$1 version=$2 archive=$3
store=${SHIP_STORE:-build/containers}
image=localhost/portsnoop:$version
revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)
[ -z "$(git status --porcelain 2>/dev/null)" ] || revision="$revision-dirty"

bah() {
	buildah --root "$store/storage" --runroot "$store/run" --storage-driver vfs "$@"
}

ctr=$(bah from scratch)
trap 'bah rm "$ctr" >/dev/null 2>&1 || true' EXIT
bah copy --chmod 0755 "$ctr" "$bin" /usr/sbin/portsnoop >/dev/null
bah copy --chmod 0644 "$ctr" docs/schema/portsnoop.schema.json \
	/usr/share/portsnoop/portsnoop.schema.json >/dev/null
bah config \
	--entrypoint '["/usr/sbin/portsnoop"]' --cmd '["--json"]' \
	--workingdir / \
	--stop-signal SIGTERM \
	--label version="$version" \
	--label source="portsnoop $revision" \
	--label org.opencontainers.image.title=portsnoop \
	--label org.opencontainers.image.version="$version" \
	--label org.opencontainers.image.revision="$revision" \
	--label org.opencontainers.image.licenses="LGPL-2.1 OR BSD-2-Clause" \
	--annotation org.opencontainers.image.version="$version" \
	--annotation org.opencontainers.image.revision="$revision" \
	"$ctr"
bah commit --quiet --format oci --rm "$ctr" "$image" >/dev/null
bah rmi --prune >/dev/null 2>&1 || true  # the image this tag named before
trap - EXIT
rm -f "$archive.tmp"
bah push --quiet "$image" "oci-archive:$archive.tmp:$image"
mv "$archive.tmp" "$archive"
