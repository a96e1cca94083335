#!/bin/sh
# storage/embed-schema.sh - turns schema.sql into a C fragment for store.c:
#
#   #define STORE_SCHEMA_VERSION N      (from "PRAGMA user_version = N;")
#   static const char store_schema_sql[] = "...\n" ...;
#
# and, with --pg, storage/schema-pg.sql into one for store_pg.c:
#
#   #define STORE_SCHEMA_PG_VERSION N   (from "VALUES ('schema_version', 'N')")
#   static const char store_schema_pg_sql[] = "...\n" ...;
#
# Usage: sh storage/embed-schema.sh schema.sql > build/schema.inc
#        sh storage/embed-schema.sh --pg storage/schema-pg.sql > build/schema-pg.inc
# POSIX sh, sed and tr only. Fails, printing why, unless the file has exactly
# one line that sets the version, N >= 1.
set -eu

name=store_schema
macro=STORE_SCHEMA_VERSION
pragma='^[[:space:]]*PRAGMA[[:space:]]\{1,\}user_version[[:space:]]*=[[:space:]]*\([1-9][0-9]*\)[[:space:]]*;.*$'
what="'PRAGMA user_version = N;'"
if [ $# -eq 2 ] && [ "$1" = --pg ]; then
	name=store_schema_pg
	macro=STORE_SCHEMA_PG_VERSION
	pragma="^.*VALUES[[:space:]]*('schema_version',[[:space:]]*'\([1-9][0-9]*\)').*\$"
	what="\"VALUES ('schema_version', 'N')\""
	shift
fi
if [ $# -ne 1 ]; then
	echo "usage: embed-schema.sh [--pg] schema.sql" >&2
	exit 2
fi
schema=$1
if [ ! -r "$schema" ]; then
	echo "embed-schema.sh: cannot read $schema" >&2
	exit 1
fi

version=$(tr -d '\r' < "$schema" | sed -n "s/$pragma/\\1/p")
case $version in
'' | *[!0-9]*)
	echo "embed-schema.sh: $schema: needs exactly one line" \
		"$what with N >= 1" >&2
	exit 1
	;;
esac

echo '/* Generated from the schema file by storage/embed-schema.sh; do not edit. */'
echo "#define $macro $version"
echo "static const char ${name}_sql[] ="
# One literal per line. Escaped: backslash, double quote, and '?' (so that
# no "??x" trigraph forms under -std=c11).
tr -d '\r' < "$schema" | sed \
	-e 's/\\/\\\\/g' \
	-e 's/"/\\"/g' \
	-e 's/?/\\?/g' \
	-e 's/^/	"/' \
	-e 's/$/\\n"/'
echo '	"";'
