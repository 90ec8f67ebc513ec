#!/bin/sh
# Build the Debian package the way Debian builds packages: dpkg-buildpackage
# -b with debhelper, from a copy of the source tree (what git tracks, plus new
# files not ignored) in build/deb/, so its outputs land there too. Then
# lintian: an error fails the build.
#   scripts/deb.sh VERSION
set -eu
version=$1
out=build/deb
arch=$(dpkg --print-architecture)

changelog=$(dpkg-parsechangelog -S Version)
if [ "$changelog" != "$version" ]; then
	echo "deb: debian/changelog is at $changelog, the tool at $version (user/lib/version.h)" >&2
	exit 1
fi
rm -rf "$out"
mkdir -p "$out/portsnoop-$version"
git ls-files -z --cached --others --exclude-standard |
	tar --null -T - --ignore-failed-read -cf - 2>/dev/null |
	tar -C "$out/portsnoop-$version" -xf -
(cd "$out/portsnoop-$version" &&
	DEB_BUILD_OPTIONS="nocheck ${DEB_BUILD_OPTIONS:-}" \
	dpkg-buildpackage -b -us -uc >../build.log 2>&1) || {
	tail -30 "$out/build.log" >&2
	echo "deb: dpkg-buildpackage failed; the whole log is $out/build.log" >&2
	exit 1
}
rm -rf "$out/portsnoop-$version"
deb=$out/portsnoop_${version}_$arch.deb
[ -f "$deb" ] || { echo "deb: $deb was not made" >&2; exit 1; }
lintian --fail-on error --info "$deb"
echo "deb: $deb"
