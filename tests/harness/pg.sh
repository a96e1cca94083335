#!/bin/sh
# tests/harness/pg.sh start DIR | stop DIR - a private PostgreSQL for the
# C tests of the PostgreSQL backend, made as tests/harness/postgres.py
# makes one for the Python tests:
#
#   conn=$(sh tests/harness/pg.sh start "$tmp")   # prints the conninfo
#   TIMMY_TEST_PG="$conn" build/tests/test_...
#   sh tests/harness/pg.sh stop "$tmp"
#
# start: DIR (created if missing, else it must be empty; an absolute or
# relative path of letters, digits and "._+-/" only, short enough for a
# Unix socket) gets the cluster (DIR/data, initdb with trust
# authentication, UTF8), the server's socket and log (DIR/postgres.log),
# and the postmaster's PID in DIR/pid. The server listens on no TCP port
# (listen_addresses ''): 5432 only names the socket file in DIR. fsync is
# off, for tests only. A database "timmy" is created; the line printed is
# its libpq connection string. Should any step fail, what was started is
# stopped and DIR's contents removed.
#
# stop: stops that server (pg_ctl stop -m fast, then its PID from DIR/pid,
# checked to be this cluster's postmaster, is signalled should that fail)
# and removes DIR. A DIR that start did not make is refused.
#
# The server programs refuse to run as root: as root, DIR goes to the
# "postgres" user (DIR's parents must let that user through) and they run
# through runuser; as anyone else, directly.
set -eu

port=5432
marker=.timmy-pg

usage() {
	echo "usage: pg.sh start DIR | pg.sh stop DIR" >&2
	exit 2
}

die() {
	echo "pg.sh: $*" >&2
	exit 1
}

[ "$#" -eq 2 ] || usage
cmd=$1
dir=$2
case $dir in
'' | *[!A-Za-z0-9_./+-]*) die "$dir: use a path of letters, digits and ._+-/ only" ;;
/*) ;;
*) dir=$(pwd)/$dir ;;
esac
dir=${dir%/}

bindir=${PG_BINDIR:-}
# PGHOST, PGPORT, PGOPTIONS and the like would steer the programs below
# elsewhere.
for v in $(env | sed -n 's/^\(PG[A-Za-z0-9_]*\)=.*/\1/p'); do
	unset "$v"
done

if [ -z "$bindir" ]; then
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5nr); do
		if [ -x "$d/initdb" ]; then
			bindir=$d
			break
		fi
	done
fi
if [ -z "$bindir" ] && command -v pg_config >/dev/null 2>&1; then
	bindir=$(pg_config --bindir)
fi
[ -n "$bindir" ] && [ -x "$bindir/pg_ctl" ] ||
	die "no PostgreSQL server programs found: install postgresql, or set PG_BINDIR"

root=0
[ "$(id -u)" -eq 0 ] && root=1

# Runs a server program as the user it may run as.
as_server() {
	if [ "$root" -eq 1 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# Whether PID $1 is alive and a postgres serving DIR/data.
ours() {
	[ -r "/proc/$1/cmdline" ] &&
		tr '\0' '\n' < "/proc/$1/cmdline" 2>/dev/null | grep -qxF "$dir/data"
}

# Stops the server of DIR, if one runs; never fails.
stop_server() {
	pid=
	if [ -r "$dir/pid" ]; then
		pid=$(cat "$dir/pid")
	elif [ -r "$dir/data/postmaster.pid" ]; then
		pid=$(head -n 1 "$dir/data/postmaster.pid")
	fi
	case $pid in
	'' | *[!0-9]*) return 0 ;;
	esac
	ours "$pid" || return 0
	as_server "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop \
		>/dev/null 2>&1 || true
	# pg_ctl returns when postmaster.pid is gone, a moment before the
	# process is.
	for sig in '' QUIT KILL; do
		if [ -n "$sig" ]; then
			kill -s "$sig" "$pid" 2>/dev/null || return 0
		fi
		n=0
		while ours "$pid" && [ "$n" -lt 100 ]; do
			sleep 0.05
			n=$((n + 1))
		done
		ours "$pid" || return 0
	done
	return 0
}

# After a failed start: no server, and DIR as it was before (gone when
# start made it, else empty).
undo_start() {
	[ "$ok" -eq 0 ] || return 0
	stop_server
	find "$dir" -mindepth 1 -delete 2>/dev/null || true
	[ "$made" -eq 0 ] || rmdir "$dir" 2>/dev/null || true
}

conninfo() {
	echo "host=$dir port=$port dbname=$1 user=postgres"
}

start() {
	if [ -e "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
		die "$dir is not empty"
	fi
	# The socket's path, DIR/.s.PGSQL.5432, has to fit in 107 bytes.
	[ "${#dir}" -le 92 ] || die "$dir: too long for a Unix socket path"
	made=0
	[ -e "$dir" ] || made=1
	mkdir -p "$dir"
	: > "$dir/$marker"
	ok=0
	trap 'undo_start' EXIT
	trap 'exit 1' HUP INT TERM
	if [ "$root" -eq 1 ]; then
		chown postgres: "$dir"
		runuser -u postgres -- test -w "$dir" ||
			die "$dir: the postgres user cannot write there (its parents must let it through)"
	fi

	locale=C
	if locale -a 2>/dev/null | grep -qix 'c\.utf-\{0,1\}8'; then
		locale=C.UTF-8
	fi
	(cd "$dir" && as_server "$bindir/initdb" -D "$dir/data" -A trust \
		-E UTF8 --locale="$locale" -U postgres --no-sync) \
		> "$dir/initdb.log" 2>&1 || {
		cat "$dir/initdb.log" >&2
		die "initdb failed"
	}
	(cd "$dir" && as_server "$bindir/pg_ctl" -D "$dir/data" \
		-l "$dir/postgres.log" \
		-o "-k $dir -p $port -c listen_addresses='' -c fsync=off" \
		-w -t 60 start) > /dev/null 2>&1 || {
		tail -n 30 "$dir/postgres.log" >&2 2>/dev/null || true
		die "the server did not start"
	}
	head -n 1 "$dir/data/postmaster.pid" > "$dir/pid"

	n=0
	until psql -X -q -A -t -d "$(conninfo postgres)" -c 'SELECT 1' \
		>/dev/null 2>&1; do
		n=$((n + 1))
		if [ "$n" -ge 600 ]; then
			tail -n 30 "$dir/postgres.log" >&2 2>/dev/null || true
			die "the server did not answer"
		fi
		sleep 0.1
	done
	psql -X -q -v ON_ERROR_STOP=1 -d "$(conninfo postgres)" \
		-c 'CREATE DATABASE timmy' >&2 || die "CREATE DATABASE failed"
	ok=1
	conninfo timmy
}

stop() {
	[ -d "$dir" ] || return 0
	[ -e "$dir/$marker" ] || die "$dir was not made by pg.sh start"
	stop_server
	if [ -r "$dir/pid" ] && ours "$(cat "$dir/pid")"; then
		die "the server of $dir is still running"
	fi
	rm -rf "$dir"
}

case $cmd in
start) start ;;
stop) stop ;;
*) usage ;;
esac
