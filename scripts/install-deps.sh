#!/bin/sh
# Install the Debian packages qendra needs, only those that are missing.
# Uses sudo when not root. Safe to run again: it does nothing when all are there.
set -eu
PKGS="build-essential pkg-config libncurses-dev libsqlite3-dev sqlite3 libconfig-dev
libiniparser-dev libsodium-dev libcmocka-dev libvterm-dev clang-format"
missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
echo "qendra: installing missing Debian packages:$missing"
SUDO=""
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
		echo "qendra: need root or sudo to install:$missing" >&2; exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
