#!/usr/bin/env bash
# Builds the Release configuration (tests off) with Debian's hardening flags, packages it as DEB
# and TGZ with CPack, and checks the .deb: its contents and permissions, the desktop file, the
# AppStream metainfo, the manual page, lintian (errors fail, warnings are printed); then installs
# it with dpkg, runs `poolscope --version` from PATH and removes it again (so a poolscope package
# installed before is gone afterwards). Needs root or sudo.
# POOLSCOPE_PKG_BUILD_DIR: build directory (default build/pkg); POOLSCOPE_JOBS: parallel jobs.
# The last line is "package check: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
poolscope_install "${poolscope_packages[@]}" lintian desktop-file-utils appstream dpkg-dev file \
    man-db || exit 2

build=${POOLSCOPE_PKG_BUILD_DIR:-build/pkg}
jobs=${POOLSCOPE_JOBS:-$(nproc)}
app_id=io.github.poolscope.PoolScope
version=$(sed -nE 's/^project\(PoolScope VERSION ([0-9.]+).*/\1/p' CMakeLists.txt)
passed=0 failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
check() { # description command...
    local what=$1
    shift
    if "$@"; then
        echo "ok    $what"
        passed=$((passed + 1))
    else
        echo "FAIL  $what"
        failed=$((failed + 1))
        return 1
    fi
}
finish() {
    echo "package check: $passed passed, $failed failed"
    [[ $failed -eq 0 ]]
    exit
}

# Packages must not inherit a group-writable umask (lintian: non-standard-dir-perm).
umask 022
# The flags a Debian package build uses (hardening: fortify, stack protector, relro, bindnow).
export DEB_BUILD_MAINT_OPTIONS=hardening=+all
cxxflags="$(dpkg-buildflags --get CXXFLAGS) $(dpkg-buildflags --get CPPFLAGS)"
ldflags=$(dpkg-buildflags --get LDFLAGS)

echo "== build (Release, tests off) into $build"
configure_and_build() {
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPOOLSCOPE_BUILD_TESTS=OFF \
        -DCMAKE_CXX_FLAGS="$cxxflags" -DCMAKE_EXE_LINKER_FLAGS="$ldflags" >/dev/null &&
        cmake --build "$build" -j"$jobs"
}
check "build" configure_and_build || finish

echo "== cpack DEB and TGZ"
rm -f "$build"/poolscope_*.deb "$build"/poolscope-*.tar.gz
check "cpack -G DEB;TGZ" bash -c 'cd "$1" && cpack -G "DEB;TGZ" >cpack.log 2>&1 || { cat cpack.log; false; }' \
    _ "$build"
deb=$(ls "$build"/poolscope_"$version"-*_*.deb 2>/dev/null | head -1)
tgz=$(ls "$build"/poolscope-"$version"-*.tar.gz 2>/dev/null | head -1)
check "the .deb exists" test -f "$deb" || finish
check "the .tar.gz holds bin/poolscope" bash -c 'tar -tzf "$1" | grep -q "/bin/poolscope$"' _ "$tgz"

echo "== contents of $deb"
dpkg-deb -c "$deb" >"$tmp/contents"
has() { grep -qE " \./usr/$1\$" "$tmp/contents"; }
check "binary usr/bin/poolscope" has bin/poolscope
check "desktop file" has "share/applications/$app_id.desktop"
check "AppStream metainfo" has "share/metainfo/$app_id.metainfo.xml"
check "scalable icon" has "share/icons/hicolor/scalable/apps/$app_id.svg"
for size in 16 22 24 32 48 64 128 256 512; do
    check "icon ${size}x$size" has "share/icons/hicolor/${size}x$size/apps/$app_id.png"
done
check "man page (gzipped)" has share/man/man1/poolscope.1.gz
check "copyright" has share/doc/poolscope/copyright
check "changelog.Debian.gz" has share/doc/poolscope/changelog.Debian.gz
# 0755 directories and binary, 0644 everything else, all owned by root.
bad_permissions() {
    awk '$2 != "root/root" ||
         ($1 ~ /^d/ && $1 != "drwxr-xr-x") ||
         ($1 ~ /^-/ && $6 == "./usr/bin/poolscope" && $1 != "-rwxr-xr-x") ||
         ($1 ~ /^-/ && $6 != "./usr/bin/poolscope" && $1 != "-rw-r--r--")' "$tmp/contents"
}
check "permissions and owners" test -z "$(bad_permissions)"
bad_permissions

echo "== desktop file, metainfo and man page as installed"
dpkg-deb -x "$deb" "$tmp/root"
check "desktop-file-validate" desktop-file-validate "$tmp/root/usr/share/applications/$app_id.desktop"
check "appstreamcli validate" appstreamcli validate --no-net \
    "$tmp/root/usr/share/metainfo/$app_id.metainfo.xml"
check "appstreamcli validate-tree (metainfo, desktop file and icons together)" \
    appstreamcli validate-tree --no-net "$tmp/root"
man_warnings() { # what man says on standard error
    LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z \
        "$tmp/root/usr/share/man/man1/poolscope.1.gz" 2>&1 >/dev/null
}
check "man page renders without warnings" test -z "$(man_warnings)"
man_warnings

echo "== lintian"
lintian --fail-on error --display-level ">=warning" "$deb" >"$tmp/lintian" 2>&1
lintian_status=$?
grep -vE "running with root privileges" "$tmp/lintian"
check "lintian: no errors ($(grep -c '^W:' "$tmp/lintian") warnings)" test "$lintian_status" -eq 0

echo "== install, run, remove"
install_deb() {
    as_root dpkg -i "$deb" ||
        as_root env DEBIAN_FRONTEND=noninteractive apt-get -f install -y -qq >/dev/null
    dpkg-query -W -f='${Status}' poolscope 2>/dev/null | grep -q "install ok installed"
}
check "dpkg -i" install_deb
check "poolscope on PATH is /usr/bin/poolscope" test "$(command -v poolscope)" = /usr/bin/poolscope
check "poolscope --version says $version" bash -c 'poolscope --version | grep -qF " $1 "' _ "$version"
check "man poolscope finds the page" bash -c 'man -w poolscope | grep -q /usr/share/man/man1/poolscope.1.gz'
check "dpkg -r" as_root dpkg -r poolscope
check "the binary is gone" test ! -e /usr/bin/poolscope
check "the desktop file is gone" test ! -e "/usr/share/applications/$app_id.desktop"

finish
