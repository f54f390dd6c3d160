#!/bin/sh
# Fetch the base's Debian source package (config/bases.tsv) with apt, unpack
# it under build/src/BASE and verify the kernel tarball's sha256.  Prints the
# tarball's path.  A suite other than "system" is read with a private apt
# state (build/apt/SUITE) whose sources entry is built from the URI this
# machine's apt configuration already uses for Debian.
# usage: BASE=NAME fetch-base.sh
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
pkg=$BASE_PACKAGE ver=$BASE_VERSION suite=$BASE_SUITE
tarball=$BASE_TARBALL want=$BASE_SHA256
src=$top/build/src/$BASE
t=$src/$tarball
if [ -f "$t" ] && [ -f "$src/.verified" ] && [ "$(cat "$src/.verified")" = "$ver $want" ]; then
	echo "$t"; exit 0
fi
command -v apt-get >/dev/null || die "fetch-base: apt-get is needed to fetch $pkg"
mkdir -p "$src/deb"
if [ "$suite" = system ]; then
	aptopt=
else
	# The Debian archive's URI as this machine's apt configuration has it.
	# shellcheck disable=SC2016 # apt's format, not the shell's
	uri=$(apt-get indextargets --format '$(REPO_URI)' 'Created-By: Packages' 2>/dev/null |
		grep -E '/debian/?$' | head -n 1)
	[ -n "$uri" ] || uri=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null |
		tr ' ' '\n' | grep -E '/debian/?$' | head -n 1)
	[ -n "$uri" ] || die "fetch-base: no Debian archive URI in this machine's apt configuration (needed for $suite)"
	kr=/usr/share/keyrings/debian-archive-keyring.gpg
	[ -f "$kr" ] || die "fetch-base: $kr missing: apt-get install debian-archive-keyring"
	a=$top/build/apt/$suite
	mkdir -p "$a/lists/partial" "$a/archives/partial"
	echo "deb [signed-by=$kr] ${uri%/} $suite main" >"$a/sources.list"
	aptopt="-o Dir::Etc::SourceList=$a/sources.list -o Dir::Etc::SourceParts=/dev/null
-o Dir::State::Lists=$a/lists -o Dir::Cache=$a -o Dir::Cache::Archives=$a/archives
-o APT::Sandbox::User=root"
	say "fetch-base: reading $suite from ${uri%/}"
	# shellcheck disable=SC2086
	apt-get $aptopt update -qq >"$a/update.log" 2>&1 ||
		{ tail -n 5 "$a/update.log" >&2; die "fetch-base: apt-get update of $suite failed (log: $a/update.log)"; }
fi
if [ "$suite" = system ] && [ -z "$(apt-cache madison "$pkg" 2>/dev/null)" ]; then
	apt-get update -qq >/dev/null 2>&1 || say "fetch-base: apt-get update failed, using the cached lists"
fi
rm -f "$src/deb"/*.deb
say "fetch-base: downloading $pkg=$ver ($suite)"
# shellcheck disable=SC2086
if ! (cd "$src/deb" && apt-get $aptopt -o APT::Sandbox::User=root download "$pkg=$ver") >"$src/download.log" 2>&1; then
	tail -n 5 "$src/download.log" >&2
	have=$(apt-cache $aptopt madison "$pkg" 2>/dev/null | awk -F'|' '{ gsub(/ /, "", $2); print $2 }' | paste -sd' ')
	die "fetch-base: $pkg $ver is not in $suite (the archive has: ${have:-none}); pin another version in config/bases.tsv"
fi
say "fetch-base: unpacking $(ls "$src/deb")"
rm -rf "$src/root" && mkdir -p "$src/root"
dpkg-deb -x "$src/deb"/*.deb "$src/root" || die "fetch-base: dpkg-deb -x failed (disk full?)"
mkdir -p "$(dirname "$t")"
mv -f "$src/root/$tarball" "$t" 2>/dev/null || die "fetch-base: $pkg has no $tarball"
rm -rf "$src/root" "$src/deb"
sum=$(sha256sum "$t" | cut -d' ' -f1)
if [ "$sum" != "$want" ]; then
	rm -f "$t"
	die "fetch-base: $tarball of $pkg $ver has sha256 $sum, not the pinned $want"
fi
echo "$ver $want" >"$src/.verified"
say "fetch-base: $pkg $ver verified (sha256 $want)"
echo "$t"
