#!/bin/sh
# tests/deb/run.sh - the Debian package that `make deb` left in dist/,
# checked as a file and then installed, upgraded, removed and purged in
# a fresh Debian root. `make test-deb` runs it (after `make deb`), from
# the top of the tree; CI runs it after `make test` and `make test-pg`.
#
# Always, on the .deb itself: its file list (paths, modes, owners; no
# secret shipped), its conffiles, the shipped bot.yaml, and what its
# maintainer scripts do (enable timmy.service, start nothing, stop
# nothing before an upgrade, stop the bot on removal, clean up on purge).
#
# Then, where a root can be made: debootstrap (minbase, with systemd) of
# the host's Debian release from the mirror apt uses here, kept in
# build-debtest/base as a cache (`make clean` or removing that directory
# makes a new one), copied to build-debtest/root for each run. In that
# root, as a user would: `apt-get install` of the .deb (its Depends from
# the mirror), `timmy --version`, the files where they belong,
# `systemd-analyze verify` of every installed unit, timmy.service
# enabled and the timers not; then an upgrade to a rebuild of the same
# tree with a higher version (build-debtest/up) keeps an edited bot.yaml;
# a removal keeps it and the state directory; a purge removes both. No
# systemd runs in the root: a policy-rc.d there refuses and writes down
# every start, stop and restart the maintainer scripts ask for, and
# /run/systemd/system exists so that they ask as on a booted system.
# Nothing is mounted in the root (neither apt, dpkg nor
# systemd-analyze verify needs /proc there).
#
# TIMMY_DEB_MIRROR names another mirror (a local one, say). Where no root
# can be made (not root, debootstrap missing and not installable, no
# network to the mirror) or TIMMY_DEB_NOROOT=1 is set, only the first
# part runs, and the last lines say so.
#
# Every check prints "ok" or "FAIL" with what it expected and found; the
# last line counts them ("test-deb: N passed, N failed"), and the exit
# status is 1 when one failed. A failed run leaves its root in
# build-debtest/root to look into.

# fresh_root and build_upgrade run through step(), which shellcheck does
# not follow. (A directive before the first command covers the file.)
# shellcheck disable=SC2317
set -u

if [ ! -f debian/changelog ]; then
	echo "tests/deb/run.sh: run it from the top of timmy's tree" >&2
	exit 2
fi
TOP=$(pwd)
VERSION=$(dpkg-parsechangelog -S Version)
ARCH=$(dpkg --print-architecture)
DEB=$TOP/dist/timmy_${VERSION}_$ARCH.deb
WORK=$TOP/build-debtest
ROOT=$WORK/root
UNITS="timmy.service timmy-check.service timmy-check.timer
timmy-backup.service timmy-backup.timer"
# The upgrade's version: higher than VERSION for dpkg, and plainly a test.
UPVERSION=$VERSION+upgradetest1

passed=0
failed=0

ok() {
	passed=$((passed + 1))
	echo "  ok    $1"
}

bad() {
	failed=$((failed + 1))
	echo "  FAIL  $1"
}

# expect WHAT EXPECTED FOUND: ok when FOUND is EXPECTED; else FAIL with both.
expect() {
	if [ "$3" = "$2" ]; then
		ok "$1"
	else
		bad "$1: expected '$2', found '$3'"
	fi
}

# expect_line WHAT LINE TEXT: ok when TEXT has LINE as one of its lines.
expect_line() {
	if printf '%s\n' "$3" | grep -qxF -- "$2"; then
		ok "$1"
	else
		bad "$1: expected a line '$2' in:"
		printf '%s\n' "$3" | sed 's/^/          | /'
	fi
}

# expect_no_match WHAT REGEX TEXT: ok when no line of TEXT matches REGEX.
expect_no_match() {
	m=$(printf '%s\n' "$3" | grep -E -- "$2")
	if [ -z "$m" ]; then
		ok "$1"
	else
		bad "$1: expected no line matching '$2', found:"
		printf '%s\n' "$m" | sed 's/^/          | /'
	fi
}

# finish: the count, and the exit status that goes with it.
finish() {
	echo "test-deb: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

# ---------------------------------------------------------------------
# The package as a file.

# check_file_list: every file a user needs, with its mode and owner, and
# nothing that must not be shipped. /etc/timmy/bot.yaml is 644 root:root
# on purpose: it holds no secret (the password comes from
# /etc/timmy/password as the unit's credential), and the service's user,
# allocated at start (DynamicUser=), has no fixed group that a 640 could
# name, so it must be readable by others to be read at all.
check_file_list() {
	list=$(dpkg-deb -c "$DEB" | awk '{ print $1, $2, $6 }')
	for f in "-rwxr-xr-x root/root ./usr/bin/timmy" \
		"-rwxr-xr-x root/root ./usr/libexec/timmy/timmy-bot" \
		"-rw-r--r-- root/root ./usr/share/man/man8/timmy.8.gz" \
		"drwxr-xr-x root/root ./etc/timmy/" \
		"-rw-r--r-- root/root ./etc/timmy/bot.yaml" \
		"-rw-r--r-- root/root ./usr/share/doc/timmy/README.md" \
		"-rw-r--r-- root/root ./usr/share/doc/timmy/bot.yaml.example" \
		"-rw-r--r-- root/root ./usr/share/doc/timmy/changelog.gz" \
		"-rw-r--r-- root/root ./usr/share/doc/timmy/copyright"; do
		expect_line "file list: ${f##* }" "$f" "$list"
	done
	for u in $UNITS; do
		expect_line "file list: unit $u" \
			"-rw-r--r-- root/root ./lib/systemd/system/$u" "$list"
	done
	expect_no_match "file list: no password, nothing in /usr/local" \
		' \./(etc/timmy/password|usr/local/)' "$list"
	expect "conffiles: /etc/timmy/bot.yaml alone" "/etc/timmy/bot.yaml" \
		"$(cat "$CTRL/conffiles" 2>/dev/null)"
	yaml=$(dpkg-deb --fsys-tarfile "$DEB" | tar -xOf - ./etc/timmy/bot.yaml)
	expect_line "bot.yaml: password_file names the unit's credential" \
		"  password_file: /run/credentials/timmy.service/password" "$yaml"
	expect_no_match "bot.yaml: no password in it" '^ *password:' "$yaml"
	expect "Depends: procps (the unit's /bin/kill)" "procps" \
		"$(dpkg-deb -f "$DEB" Depends | tr ',' '\n' | sed 's/^ *//' |
			grep -x procps)"
}

# check_scripts: what the maintainer scripts ask systemd for, read from
# their text (the root below sees them do it).
check_scripts() {
	for s in preinst postinst prerm postrm; do
		[ -f "$CTRL/$s" ] || continue
		if sh -n "$CTRL/$s"; then
			ok "$s: valid sh"
		else
			bad "$s: expected sh -n to accept it"
		fi
	done
	post=$(cat "$CTRL/postinst" 2>/dev/null)
	expect_line "postinst: enables timmy.service" \
		"		deb-systemd-helper enable 'timmy.service' >/dev/null || true" \
		"$post"
	expect_no_match "postinst: starts nothing" \
		"deb-systemd-invoke (start|restart)" "$post"
	for t in timmy-check.timer timmy-backup.timer; do
		expect_line "postinst: enables $t again only where it was" \
			"	if deb-systemd-helper debian-installed '$t'; then" "$post"
	done
	expect_line "postinst: restarts a running bot on an upgrade" \
		"		deb-systemd-invoke try-restart timmy.service >/dev/null || true" \
		"$post"
	expect_no_match "preinst: stops nothing before an upgrade" \
		"deb-systemd-invoke stop" "$(cat "$CTRL/preinst" 2>/dev/null)"
	expect_line "prerm: stops the bot on removal" \
		"	deb-systemd-invoke stop timmy.service timmy-check.timer \\" \
		"$(cat "$CTRL/prerm" 2>/dev/null)"
	rm=$(cat "$CTRL/postrm" 2>/dev/null)
	expect_line "postrm: a purge removes the state directory" \
		"	rm -rf /var/lib/private/timmy /var/lib/timmy" "$rm"
	expect_line "postrm: a purge forgets that timmy.service was enabled" \
		"		deb-systemd-helper purge 'timmy.service' >/dev/null || true" "$rm"
}

# ---------------------------------------------------------------------
# The fresh root.

# in_root CMD...: CMD in the root, with an environment of its own.
in_root() {
	chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

# step WHAT CMD...: CMD, its output in build-debtest/step.log; a failure
# is a failed check, with the end of that output, and ends the run.
step() {
	what=$1
	shift
	if "$@" > "$WORK/step.log" 2>&1 < /dev/null; then
		return 0
	fi
	bad "$what: failed; the end of its output:"
	tail -n 30 "$WORK/step.log" | sed 's/^/          | /'
	echo "test-deb: the root is left in $ROOT"
	finish
}

# mirror: the first URI of the host's apt sources (one-line or deb822)
# that serves SUITE itself, so the root comes from where apt gets the
# host's packages; deb.debian.org where none does.
mirror() {
	m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		/etc/apt/sources.list.d/*.sources 2>/dev/null | awk -v s="$SUITE" '
		$1 == "deb" { for (i = 2; i < NF; i++) if ($i ~ /:\/\//) {
			if ($(i + 1) == s) { print $i; exit } break } }
		/^URIs:/ { uri = $2 }
		/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == s) {
			print uri; exit } }')
	echo "${m:-http://deb.debian.org/debian}"
}

# make_base: build-debtest/base, a minbase root of SUITE with systemd,
# unless the one there was made from the same suite and mirror. Made
# beside it and renamed, so that a debootstrap cut short is no cache.
make_base() {
	key="$SUITE $MIRROR minbase systemd"
	if [ -f "$WORK/base/.timmy-key" ] &&
		[ "$(cat "$WORK/base/.timmy-key")" = "$key" ]; then
		echo "test-deb: the root from build-debtest/base ($key)"
		return 0
	fi
	echo "test-deb: making a root ($key), into build-debtest/base"
	rm -rf "$WORK/base.new"
	debootstrap --variant=minbase --include=systemd "$SUITE" \
		"$WORK/base.new" "$MIRROR" > "$WORK/debootstrap.log" 2>&1 || {
		tail -n 5 "$WORK/debootstrap.log"
		rm -rf "$WORK/base.new"
		return 1
	}
	echo "$key" > "$WORK/base.new/.timmy-key"
	rm -rf "$WORK/base"
	mv "$WORK/base.new" "$WORK/base"
}

# fresh_root: a copy of the base to install into, with the host's
# resolver, the policy-rc.d that refuses and writes down, and the
# directory by which the maintainer scripts tell that systemd runs.
fresh_root() {
	rm -rf "$ROOT"
	cp -a "$WORK/base" "$ROOT" || return 1
	cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
	printf '#!/bin/sh\necho "$*" >> /var/log/timmy-policy.log\nexit 101\n' \
		> "$ROOT/usr/sbin/policy-rc.d"
	chmod 755 "$ROOT/usr/sbin/policy-rc.d"
	mkdir -p "$ROOT/run/systemd/system"
	: > "$ROOT/var/log/timmy-policy.log"
}

# asked: what the maintainer scripts asked of policy-rc.d for timmy's
# units since the last call (other packages' requests are theirs).
asked() {
	grep timmy "$ROOT/var/log/timmy-policy.log"
	: > "$ROOT/var/log/timmy-policy.log"
}

# dpkg_field FIELD: the package's FIELD as the root's dpkg knows it
# (Status, Conffiles), or nothing once it is purged.
dpkg_field() {
	# shellcheck disable=SC2016 # dpkg-query's ${...}, not the shell's
	in_root dpkg-query -W -f="\${$1}\n" timmy 2>/dev/null | sed '/^$/d'
}

# enabled UNIT: what systemctl says of UNIT in the root, offline
# (--root: /run/systemd/system there would send it to a bus).
enabled() {
	in_root systemctl --root=/ is-enabled "$1" 2>&1
}

# mode PATH: "MODE OWNER:GROUP" of PATH in the root, or "missing".
mode() {
	in_root stat -c '%a %U:%G' "$1" 2>/dev/null || echo missing
}

# build_upgrade: the tree make deb built, again, at UPVERSION (in the
# changelog and in the Makefile, so `timmy --version` says it).
build_upgrade() {
	rm -rf "$WORK/up"
	mkdir -p "$WORK/up"
	cp -a "build-deb/timmy-$VERSION" "$WORK/up/timmy-$UPVERSION" || return 1
	cd "$WORK/up/timmy-$UPVERSION" || return 1
	sed -i "s/^VERSION *= .*/VERSION  = $UPVERSION/" Makefile
	grep -q "^VERSION  = $UPVERSION\$" Makefile || return 1
	{
		printf 'timmy (%s) unstable; urgency=medium\n\n' "$UPVERSION"
		printf '  * A rebuild at a higher version, to test an upgrade.\n\n'
		printf ' -- %s  %s\n\n' "$(dpkg-parsechangelog -S Maintainer)" \
			"$(date -R)"
		cat debian/changelog
	} > debian/changelog.new && mv debian/changelog.new debian/changelog
	dpkg-buildpackage -us -uc -b
	rc=$?
	cd "$TOP" || return 1
	return "$rc"
}

check_installed() {
	expect "timmy --version in the root" "timmy $VERSION" \
		"$(in_root timmy --version 2>&1)"
	expect "dpkg: timmy installed" "install ok installed" \
		"$(dpkg_field Status)"
	expect "conffile registered" "/etc/timmy/bot.yaml" \
		"$(dpkg_field Conffiles | awk '{ print $1 }')"
	for f in /usr/bin/timmy /usr/libexec/timmy/timmy-bot; do
		expect "$f" "755 root:root" "$(mode $f)"
	done
	for f in /usr/share/man/man8/timmy.8.gz /usr/share/doc/timmy/README.md \
		/etc/timmy/bot.yaml; do
		expect "$f" "644 root:root" "$(mode $f)"
	done
	expect "/etc/timmy" "755 root:root" "$(mode /etc/timmy)"
	for u in $UNITS; do
		out=$(in_root systemd-analyze verify --man=no \
			"/lib/systemd/system/$u" 2>&1)
		expect "systemd-analyze verify $u" "exit 0, nothing said" \
			"exit $?, ${out:+said: }${out:-nothing said}"
	done
	expect "timmy.service enabled" "enabled" \
		"$(enabled timmy.service)"
	expect "enabled by the link in multi-user.target.wants" \
		/lib/systemd/system/timmy.service \
		"$(readlink "$ROOT/etc/systemd/system/multi-user.target.wants/timmy.service")"
	for t in timmy-check.timer timmy-backup.timer; do
		expect "$t not enabled" "disabled" \
			"$(enabled $t)"
	done
	expect "nothing started by the installation" "" "$(asked)"
	# Enabled, so the next boot would start it: without the password it
	# is skipped there, not failed and restarted every RestartSec=.
	expect_line "timmy.service waits for /etc/timmy/password" \
		"ConditionPathExists=/etc/timmy/password" \
		"$(cat "$ROOT/lib/systemd/system/timmy.service")"
}

# The state a bot leaves: its database where DynamicUser= puts it, the
# password an administrator wrote, a bot.yaml filled in.
use_it() {
	in_root sh -e -c '
		mkdir -p -m 700 /var/lib/private/timmy
		: > /var/lib/private/timmy/timmy.db
		ln -s private/timmy /var/lib/timmy
		install -m 600 /dev/null /etc/timmy/password
		echo secret > /etc/timmy/password
		sed -i "s/^  jid: timmy@example.org\$/  jid: bot@upgrade.test/" \
			/etc/timmy/bot.yaml
		grep -qx "  jid: bot@upgrade.test" /etc/timmy/bot.yaml'
}

check_upgraded() {
	expect "upgrade: timmy --version" "timmy $UPVERSION" \
		"$(in_root timmy --version 2>&1)"
	expect "upgrade: the edited bot.yaml kept" "  jid: bot@upgrade.test" \
		"$(grep '^  jid:' "$ROOT/etc/timmy/bot.yaml")"
	expect "upgrade: no bot.yaml.dpkg-* beside it" "" \
		"$(cd "$ROOT/etc/timmy" && ls -d bot.yaml.* 2>/dev/null)"
	expect "upgrade: a running bot restarted, nothing stopped before" \
		"timmy.service try-restart" "$(asked)"
	expect "upgrade: timmy.service still enabled" "enabled" \
		"$(enabled timmy.service)"
}

check_removed() {
	expect "remove: dpkg keeps the configuration" "deinstall ok config-files" \
		"$(dpkg_field Status)"
	expect "remove: /usr/bin/timmy gone" "missing" "$(mode /usr/bin/timmy)"
	expect "remove: the edited bot.yaml kept" "  jid: bot@upgrade.test" \
		"$(grep '^  jid:' "$ROOT/etc/timmy/bot.yaml" 2>&1)"
	expect "remove: the database kept" "0 root:root" \
		"$(in_root stat -c '%s %U:%G' /var/lib/timmy/timmy.db 2>&1)"
	expect "remove: the bot stopped first" "timmy.service stop" "$(asked)"
}

check_purged() {
	expect "purge: dpkg forgets timmy" "" \
		"$(dpkg_field Status)"
	for p in /etc/timmy /var/lib/timmy /var/lib/private/timmy \
		/etc/systemd/system/multi-user.target.wants/timmy.service; do
		expect "purge: $p gone" "missing" "$(mode $p)"
	done
	expect "purge: nothing started or stopped" "" "$(asked)"
}

# ---------------------------------------------------------------------

if [ ! -f "$DEB" ]; then
	echo "tests/deb/run.sh: no $DEB; make deb builds it" >&2
	exit 2
fi
mkdir -p "$WORK"
CTRL=$WORK/control
rm -rf "$CTRL"
dpkg-deb -e "$DEB" "$CTRL"
echo "test-deb: dist/${DEB##*/}, its files and maintainer scripts"
check_file_list
check_scripts

# shellcheck source=/dev/null
SUITE=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
MIRROR=${TIMMY_DEB_MIRROR:-$(mirror)}
noroot=""
if [ -n "${TIMMY_DEB_NOROOT:-}" ]; then
	noroot="TIMMY_DEB_NOROOT is set"
elif [ "$(id -u)" -ne 0 ]; then
	noroot="debootstrap and chroot need root"
elif ! command -v debootstrap > /dev/null &&
	! { echo "test-deb: installing debootstrap (contrib/deps.sh)" &&
		sh contrib/deps.sh debootstrap > "$WORK/deps.log" 2>&1; }; then
	noroot="debootstrap is missing and could not be installed"
elif ! make_base; then
	noroot="debootstrap of $SUITE from $MIRROR failed (no network?)"
fi
if [ -n "$noroot" ]; then
	echo "test-deb: FELL BACK: no fresh root ($noroot)."
	echo "test-deb: the package's file list and maintainer scripts were" \
		"checked, not an installation."
	finish
fi

echo "test-deb: install, upgrade, remove and purge in a fresh $SUITE root"
step "copying the base to build-debtest/root" fresh_root
cp "$DEB" "$ROOT/tmp/"
step "apt-get update in the root" in_root apt-get update -q
step "apt-get install ./${DEB##*/} in the root" \
	in_root apt-get install -y -q "/tmp/${DEB##*/}"
check_installed

step "rebuilding the tree at $UPVERSION (build-debtest/up)" build_upgrade
use_it || bad "filling in the root's bot.yaml and state: failed"
cp "$WORK/up/timmy_${UPVERSION}_$ARCH.deb" "$ROOT/tmp/"
step "apt-get install of $UPVERSION (the upgrade) in the root" \
	in_root apt-get install -y -q "/tmp/timmy_${UPVERSION}_$ARCH.deb"
check_upgraded

step "apt-get remove timmy in the root" in_root apt-get remove -y -q timmy
check_removed
step "apt-get purge timmy in the root" in_root apt-get purge -y -q timmy
check_purged

if [ "$failed" -eq 0 ]; then
	rm -rf "$ROOT" "$WORK/up"
else
	echo "test-deb: the root is left in $ROOT"
fi
finish
