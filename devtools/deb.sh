#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Build the Debian package dpdk-pmd-virtnet_<version>_<arch>.deb from the
# tree: meson install into a staging root, then dpkg-deb. Debian tools only
# (dpkg-dev), nothing fetched. The plugin goes where the EAL loads plugins
# from without -d (RTE_EAL_PMD_PATH); it uses DPDK's internal driver ABI,
# so the package depends on the DPDK runtime libraries of exactly the
# installed version.
#
#   devtools/deb.sh [-b BUILDDIR] [OUTDIR]
#
# BUILDDIR: a meson build dir meson build dir to package (default build-deb, set
# up with -Dtests=false if missing); OUTDIR: where the .deb goes (default
# the current directory). Prints the path of the package. Maintainer
# field: DEBFULLNAME and DEBEMAIL, else git's user.name and user.email.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PKG=dpdk-pmd-virtnet
LIB=librte_net_virtnet.so

die() { printf 'deb: error: %s\n' "$*" >&2; exit 1; }

BUILD=$ROOT/build-deb
while getopts b: opt; do
	case $opt in
	b) BUILD=$OPTARG ;;
	*) die "usage: $0 [-b BUILDDIR] [OUTDIR]" ;;
	esac
done
shift $((OPTIND - 1))
OUT=${1:-.}
[ -d "$OUT" ] || die "no directory $OUT"
OUT=$(cd "$OUT" && pwd)

for t in meson dpkg-deb dpkg-shlibdeps cpp pkg-config; do
	command -v "$t" >/dev/null || die "$t not found (devtools/setup.sh installs it)"
done

# The directory the EAL loads plugins from, from DPDK's own build config.
eal_pmd_dir() {
	# shellcheck disable=SC2046
	printf '#include <rte_build_config.h>\nRTE_EAL_PMD_PATH\n' |
		cpp -P $(pkg-config --cflags libdpdk) - | tr -d '" ' | tail -n 1
}
PMD_DIR=$(eal_pmd_dir)
case $PMD_DIR in
/*) ;;
*) die "RTE_EAL_PMD_PATH not found in rte_build_config.h (libdpdk-dev installed?)" ;;
esac

if [ ! -f "$BUILD/build.ninja" ]; then
	meson setup "$BUILD" "$ROOT" -Dtests=false >/dev/null ||
		die "meson setup $BUILD failed"
fi
VERSION=$(meson introspect --projectinfo "$BUILD" |
	python3 -c 'import json, sys; print(json.load(sys.stdin)["version"])')
ARCH=$(dpkg --print-architecture)
DPDK_VERSION=$(dpkg-query -W -f='${Version}' librte-ethdev23 2>/dev/null) ||
	die "librte-ethdev23 is not installed"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
STAGE=$WORK/root
meson install -C "$BUILD" --destdir "$STAGE" --strip >"$WORK/install.log" 2>&1 ||
	die "meson install failed: $(tail -n 5 "$WORK/install.log")"

# Exactly the plugin, at the EAL's directory: nothing else of the tree
# (tests, apps) is installed, and a build with -Dpmd_dir= set elsewhere
# is no package for this DPDK.
files=$(cd "$STAGE" && find . ! -type d | sed 's|^\.||')
[ "$files" = "$PMD_DIR/$LIB" ] ||
	die "$BUILD installs '$(echo "$files" | paste -sd ' ' -)', want only $PMD_DIR/$LIB (-Dpmd_dir= set?)"
chmod 644 "$STAGE$PMD_DIR/$LIB"

# Depends: dpkg-shlibdeps names the packages of the libraries the plugin
# links; DPDK's are then pinned to the installed version.
mkdir "$WORK/debian"
printf 'Source: %s\n\nPackage: %s\nArchitecture: any\n' "$PKG" "$PKG" \
	>"$WORK/debian/control"
deps=$(cd "$WORK" && dpkg-shlibdeps -O -e"$STAGE$PMD_DIR/$LIB" 2>/dev/null |
	sed -n 's/^shlibs:Depends=//p')
[ -n "$deps" ] || die "dpkg-shlibdeps found no dependencies"
depends=
IFS=',' read -ra items <<<"$deps"
for item in "${items[@]}"; do
	item=${item# }
	p=${item%% *}
	if [ "$(dpkg-query -W -f='${source:Package}' "$p" 2>/dev/null)" = dpdk ]; then
		item="$p (= $(dpkg-query -W -f='${Version}' "$p"))"
	fi
	depends=${depends:+$depends, }$item
done

DOC=$STAGE/usr/share/doc/$PKG
mkdir -p "$DOC" "$STAGE/DEBIAN"
DATE=$(date -R -d "@$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || date +%s)")
COMMIT=$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)
# Maintainer: Debian's DEBFULLNAME/DEBEMAIL, else the tree's git identity.
NAME=${DEBFULLNAME:-$(git -C "$ROOT" config user.name 2>/dev/null || echo "virtnet authors")}
EMAIL=${DEBEMAIL:-$(git -C "$ROOT" config user.email 2>/dev/null || echo "root@localhost")}
cat >"$WORK/changelog" <<EOF
$PKG ($VERSION) unstable; urgency=medium

  * Built from the virtnet tree ($COMMIT) against DPDK $DPDK_VERSION.

 -- $NAME <$EMAIL>  $DATE
EOF
gzip -9n <"$WORK/changelog" >"$DOC/changelog.Debian.gz"
cat >"$DOC/copyright" <<'EOF'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: virtnet

Files: *
Copyright: 2026 virtnet authors
License: BSD-3-Clause
 Redistribution and use in source and binary forms, with or without
 modification, are permitted provided that the following conditions are met:
 .
 1. Redistributions of source code must retain the above copyright notice,
    this list of conditions and the following disclaimer.
 .
 2. Redistributions in binary form must reproduce the above copyright
    notice, this list of conditions and the following disclaimer in the
    documentation and/or other materials provided with the distribution.
 .
 3. Neither the name of the copyright holder nor the names of its
    contributors may be used to endorse or promote products derived from
    this software without specific prior written permission.
 .
 THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"
 AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
 IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE
 ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE
 LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR
 CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF
 SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS
 INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN
 CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE)
 ARISING IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE
 POSSIBILITY OF SUCH DAMAGE.
EOF
chmod 644 "$DOC"/*
find "$STAGE" -type d -exec chmod 755 {} +

(cd "$STAGE" && find usr -type f -exec md5sum {} + | sort -k 2) \
	>"$STAGE/DEBIAN/md5sums"
cat >"$STAGE/DEBIAN/control" <<EOF
Package: $PKG
Version: $VERSION
Architecture: $ARCH
Maintainer: $NAME <$EMAIL>
Installed-Size: $(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
Depends: $depends
Section: libs
Priority: optional
Description: virtio-net poll-mode driver for DPDK (virtnet plugin)
 virtnet drives virtio-net devices from DPDK applications: PCI functions
 (net_virtnet) and virtio-user over vhost-user (net_virtnet_user). This
 package puts the plugin into the directory the EAL loads plugins from, so
 every DPDK application of this DPDK version finds it without -d.
 Built against DPDK $DPDK_VERSION: it uses DPDK's internal driver ABI and
 works only with exactly that version.
EOF
chmod 644 "$STAGE/DEBIAN/control" "$STAGE/DEBIAN/md5sums"

DEB=$OUT/${PKG}_${VERSION}_$ARCH.deb
dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$DEB" >/dev/null ||
	die "dpkg-deb failed"
echo "$DEB"
