#!/bin/sh
# contrib/deps.sh [PACKAGE ...] - install the Debian packages timmy needs
# to build, test and demo (or the PACKAGEs given), but only those that are
# missing. Runs `apt-get update` at most once. Used by `make deps`, by
# .ci/run (before make itself may exist) and by bench/run.sh (Timewarrior
# and GNU time).
set -eu

# libcurl4-openssl-dev and libsystemd-dev: their headers, for the build;
# timmy loads libcurl.so.4 (HTTP upload) and libsystemd.so.0 (under
# systemd) only when it needs them, so at run time they may be missing
# (the log then says which one). libjansson-dev: timmy import reads JSON
# (Watson's files, timmy's own JSON export) with it, and the unit tests
# and fuzz targets read the JSON export back. timewarrior: the import
# test writes its data with real `timew track` commands (and bench/ runs
# it).
# postgresql and libpq-dev: the PostgreSQL backend (libpq) and its tests,
# which run a private server (tests/harness/postgres.py, pg.sh) with the
# server programs and psql; postgresql-15 brings btree_gist, which
# storage/schema-pg.sql needs.
# chromium: the test of the HTML report renders it in a real browser
# (chromium --headless, a screenshot) and fails on a blank page.
PKGS="make gcc clang libclang-rt-14-dev libc6-dev pkg-config libstrophe-dev libsqlite3-dev sqlite3 libyaml-dev
libcmocka-dev libjansson-dev libcurl4-openssl-dev libsystemd-dev prosody python3 python3-slixmpp python3-slixmpp-lib
python3-pytest python3-pytest-xdist openssl tzdata ca-certificates strace mandoc man-db systemd
procps lua-unbound faketime postgresql libpq-dev timewarrior chromium"
if [ "$#" -gt 0 ]; then
	PKGS="$*"
fi

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done

if [ -z "$missing" ]; then
	echo "deps: all packages present"
	exit 0
fi

echo "deps: installing$missing"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 || {
		echo "deps: need root (or sudo) to install:$missing" >&2
		exit 1
	}
	SUDO=sudo
fi
# Installing prosody or postgresql must not start the system-wide server:
# the demo and the tests run their own private ones. policy-rc.d exit 101
# forbids service starts during this install only: invoke-rc.d and
# deb-systemd-invoke, which the packages' scripts start services with,
# both ask it (postgresql's still creates its cluster "main", stopped).
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
	$SUDO chmod 755 "$policy"
	made_policy=1
fi
cleanup() { [ "$made_policy" -eq 1 ] && $SUDO rm -f "$policy"; return 0; }
trap cleanup EXIT
$SUDO apt-get update
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends $missing

# A Prosody or PostgreSQL installed here is a test tool, not a service:
# keep it from starting at the next boot too. One that was already
# installed is left as it was.
case " $missing " in
*" prosody "*)
	if command -v systemctl >/dev/null 2>&1; then
		$SUDO systemctl disable prosody >/dev/null 2>&1 || true
	fi
	if command -v update-rc.d >/dev/null 2>&1; then
		$SUDO update-rc.d prosody disable >/dev/null 2>&1 || true
	fi
	echo "deps: prosody installed for tests and the demo; its system service is disabled"
	;;
esac
case " $missing " in
*" postgresql "*)
	if command -v systemctl >/dev/null 2>&1; then
		$SUDO systemctl disable postgresql >/dev/null 2>&1 || true
	fi
	if command -v update-rc.d >/dev/null 2>&1; then
		$SUDO update-rc.d postgresql disable >/dev/null 2>&1 || true
	fi
	echo "deps: postgresql installed for tests; its system service is disabled"
	;;
esac
