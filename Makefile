# timmy - a time-tracking bot for XMPP.
#
#   make            build ./timmy (objects in build/)
#   make asan       the same with ASan/UBSan, in build-asan/ (also: SANITIZE=1)
#   make test       deps, both builds, unit tests (sanitized), integration tests,
#                   some of both again under a faked clock (test-anytime)
#   make test-anytime  the tests again at the nastiest hours and dates
#   make demo       deps, build, then a private Prosody, the bot and a chat
#   make deps       install the Debian packages that are missing
#   make install    PREFIX=/usr/local DESTDIR= (also BINDIR, MANDIR, UNITDIR)
#   make deb        deps of the package, then dist/timmy_VERSION_ARCH.deb
#                   (and its -dbgsym) from debian/, checked by lintian
#   WERROR=0        build without -Werror (a packager's newer compiler may
#                   warn where ours does not)

MAKEFLAGS += --no-print-directory

VERSION  = 0.1.0
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
SHAREDIR = $(PREFIX)/share
MANDIR  ?= $(SHAREDIR)/man
UNITDIR ?= $(PREFIX)/lib/systemd/system
# timmy-bot, which `timmy run` execs: found from BINDIR (bot/main.c).
LIBEXECDIR = $(abspath $(BINDIR)/../libexec/timmy)
WERROR  ?= 1
SANITIZE ?= 0
PYTHON  ?= /usr/bin/python3
PKGS     = libstrophe sqlite3 yaml-0.1 jansson libcurl libsystemd libpq
# libcurl and libsystemd are loaded with dlopen when the daemon needs them
# (bot/curl_load.c, bot/notify.c), and libpq at the first connection to
# PostgreSQL (storage/pg_load.c, which says why): their headers are used,
# not linked.
# Linked, they brought 34 of the 44 shared objects `timmy --version`
# loaded: 11,574 symbol relocations, 16.6 M instructions (callgrind),
# 10.6 ms on 2 idle cores; now 9 objects, 6,009 relocations, 5.4 M
# instructions, 3.2 ms, 3.7 M of it the loader's work on libstrophe and
# the OpenSSL and expat it needs, which every command loads with it.
# --as-needed drops any library nothing calls. jansson, small and of no
# other library's, is linked for timmy import, which reads JSON with it
# (commands/import_json.c, import_watson.c).
# Lazy binding stays: the libraries Debian builds are bound at load
# anyway (BIND_NOW), and -z now for timmy itself added 213 relocations
# and 0.15 M instructions to `timmy --version`.
LINK_PKGS = $(filter-out libcurl libsystemd libpq,$(PKGS))

ifeq ($(FUZZ),1)
# libFuzzer targets (clang): the library instrumented for coverage.
BUILD    = build-fuzz
CC       = clang
SANFLAGS = -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
OPT      = -O1 -g
TESTHOOKS = -DTIMMY_TEST_HOOKS
else ifeq ($(SANITIZE),1)
BUILD   ?= build-asan
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT      = -O1 -g
# Test builds: bot/clock.c honours TIMMY_TEST_CLOCK (a clock the tests move).
TESTHOOKS = -DTIMMY_TEST_HOOKS
else
BUILD   ?= build
SANFLAGS =
OPT      = -O2 -g
TESTHOOKS =
endif

# The flavour chosen on one make's command line stays with that make (and
# its sub-makes, through MAKEFLAGS); commands it runs, such as a test that
# calls `make install`, must not inherit it as environment. (After the
# assignments above: unexport would define them, empty, and ?= not apply.)
unexport SANITIZE
unexport FUZZ
unexport BUILD

WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wvla
ifeq ($(WERROR),1)
WARN    += -Werror
endif
# -MMD -MP: each object depends on the headers it includes, no more.
CPPFLAGS += -MMD -MP -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
            -DTIMMY_VERSION='"$(VERSION)"' $(TESTHOOKS) -I$(BUILD)
CFLAGS   ?= $(OPT)
CFLAGS   += -std=c11 $(WARN) $(SANFLAGS) $(shell pkg-config --cflags $(PKGS))
LDFLAGS  += $(SANFLAGS) -Wl,-O1 -Wl,--as-needed
LDLIBS   += $(shell pkg-config --libs $(LINK_PKGS))

# lib/: the leaf helpers every layer uses (text buffer, UTF-8, calendar,
# time zones); it includes nothing of the project.
LEAF_SRCS     = $(wildcard lib/*.c)
STORAGE_SRCS  = $(wildcard storage/*.c)
COMMANDS_SRCS = $(wildcard commands/*.c)
BOT_SRCS      = $(filter-out bot/main.c bot/run.c,$(wildcard bot/*.c))
LIB_SRCS      = $(LEAF_SRCS) $(STORAGE_SRCS) $(COMMANDS_SRCS) $(BOT_SRCS)
LIB_OBJS      = $(LIB_SRCS:%.c=$(BUILD)/%.o)
UNIT_SRCS     = $(wildcard tests/unit/test_*.c)
UNIT_BINS     = $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRCS     = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES    = $(FUZZ_SRCS:tests/fuzz/fuzz_%.c=%)
FUZZ_SECONDS ?= 60

.PHONY: all asan test unit integration unit-pg integration-pg test-pg \
	layering fuzz fuzz-build demo deps install uninstall clean bench deb \
	bench-scale test-anytime anytime-at bench-tools test-deb

all: timmy

# Two programs (bot/main.c says why): timmy, the command line, which
# links no libstrophe (--as-needed drops it, as nothing it pulls from
# libtimmy.a calls it), and timmy-bot, the bot, which `timmy run` execs
# from beside itself. Building either builds both.
timmy: $(BUILD)/timmy
	cp $< $@
	cp $(BUILD)/timmy-bot timmy-bot

$(BUILD)/timmy: $(BUILD)/bot/main.o $(BUILD)/libtimmy.a | $(BUILD)/timmy-bot
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/timmy-bot: $(BUILD)/bot/run.o $(BUILD)/libtimmy.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/libtimmy.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

# schema.sql is the single source of the schema; the binary embeds it.
$(BUILD)/schema.inc: schema.sql storage/embed-schema.sh
	@mkdir -p $(@D)
	sh storage/embed-schema.sh schema.sql > $@.tmp && mv $@.tmp $@

$(BUILD)/storage/store.o: $(BUILD)/schema.inc

$(BUILD)/schema-pg.inc: storage/schema-pg.sql storage/embed-schema.sh
	@mkdir -p $(@D)
	sh storage/embed-schema.sh --pg storage/schema-pg.sql > $@.tmp && mv $@.tmp $@

$(BUILD)/storage/store_pg.o: $(BUILD)/schema-pg.inc

$(BUILD)/%.o: %.c $(BUILD)/%.d
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libtimmy.a $(BUILD)/tests/%.d
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(shell pkg-config --cflags cmocka) \
		$(LDFLAGS) -o $@ $< $(BUILD)/libtimmy.a $(LDLIBS) \
		$(shell pkg-config --libs cmocka)

# What -MMD wrote on earlier builds: each object's headers. A target
# whose .d file is missing (a build dir from before -MMD, or a crash
# mid-compile) depends on it through the empty rule, so it is rebuilt,
# rather than kept stale against headers that changed since.
DEPS = $(LIB_OBJS:.o=.d) $(BUILD)/bot/main.d $(BUILD)/bot/run.d \
       $(UNIT_BINS:%=%.d)
$(DEPS):
.PRECIOUS: $(DEPS)
-include $(DEPS)

# Fuzz targets: build-fuzz/fuzz_NAME, each run on tests/fuzz/corpus/NAME
# for FUZZ_SECONDS (new inputs go to a temp dir, not into the repo).
build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c build-fuzz/libtimmy.a
	$(CC) $(CPPFLAGS) $(CFLAGS) -fsanitize=fuzzer -o $@ $< \
		build-fuzz/libtimmy.a $(LDLIBS)

fuzz-build:
	$(MAKE) FUZZ=1 $(FUZZ_NAMES:%=build-fuzz/fuzz_%)

fuzz: fuzz-build
	@set -e; for f in $(FUZZ_NAMES); do \
		tmp=$$(mktemp -d); \
		if UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		   build-fuzz/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) \
		   -artifact_prefix=build-fuzz/crash-$$f- \
		   $$tmp tests/fuzz/corpus/$$f > $$tmp.log 2>&1; then \
			echo "fuzz_$$f: $$(grep -E '^Done [0-9]+ runs' $$tmp.log)"; \
			rm -rf $$tmp $$tmp.log; \
		else \
			tail -n 60 $$tmp.log; rm -rf $$tmp $$tmp.log; \
			echo "fuzz_$$f: FAILED (input saved as build-fuzz/crash-$$f-*)"; \
			exit 1; \
		fi; \
	done

asan:
	$(MAKE) SANITIZE=1 build-asan/timmy

# Unit tests of the current flavour; `make test` runs them sanitized.
# (ASAN_OPTIONS from the environment are kept: anytime.sh sets one.)
unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do \
		ASAN_OPTIONS=$${ASAN_OPTIONS:+$$ASAN_OPTIONS:}detect_leaks=1 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		CMOCKA_MESSAGE_OUTPUT=stdout $$t; done

# Integration tests against a private Prosody; TIMMY_BIN picks the binary,
# INTEGRATION_TESTS the files (or directories). With pytest-xdist (make
# deps installs it) they run in TEST_WORKERS processes, each with its own
# Prosody (and PostgreSQL): most of a test is waiting for replies, and two
# workers on 2 cores took the suite from 375 s to under 300 s on a machine
# busy with other builds. TEST_WORKERS=1 runs them one after another.
INTEGRATION_TESTS ?= tests/integration
TEST_WORKERS ?= 2
PYTEST_WORKERS = $(shell [ $(TEST_WORKERS) -gt 1 ] && $(PYTHON) -c \
	'import xdist' 2>/dev/null && echo "-n $(TEST_WORKERS)")
integration: $(BUILD)/timmy
	TIMMY_BIN=$(CURDIR)/$(BUILD)/timmy $(PYTHON) -m pytest -q -p no:cacheprovider $(PYTEST_WORKERS) $(INTEGRATION_TESTS)

# The tests at any hour, on any date, in any zone: tests/harness/anytime.sh
# (libfaketime) sets the wall clock of every process (the tests, Prosody,
# the bot) to a moment, from where it runs on at the real pace, and the
# machine's zone (TZ; the bot's stays defaults.timezone, UTC). A moment is
# UTC-TIME@ZONE, after 2025, whose days the tests take as fixed past
# dates. ANYTIME_MOMENTS, and what each one catches:
#   Monday 1 March, 00:00:30: a day, a week and a month began 30 s ago;
#     "2h ago" and "yesterday" are in last week and last month; in the
#     machine's zone (New York) it is still Sunday, 28 February.
#   Tuesday 1 June, 00:59: "2h ago" is still in May; Tokyo is at 09:59.
#   Friday 31 December, 23:59:30: the day, month and year end during the
#     run; the machine's zone (Kiritimati, UTC+14) is in 2028 already.
#   Sunday 28 March, 00:59:30: 30 s before Berlin, the machine's zone,
#     springs forward (02:00 CET -> 03:00 CEST); the week's last day.
#   Sunday 7 November, 05:59:30: 30 s before New York, the machine's
#     zone, falls back (02:00 EDT -> 01:00 EST).
ANYTIME_MOMENTS ?= 2027-03-01T00:00:30@America/New_York \
	2027-06-01T00:59:00@Asia/Tokyo 2027-12-31T23:59:30@Pacific/Kiritimati \
	2027-03-28T00:59:30@Europe/Berlin 2027-11-07T05:59:30@America/New_York
ANYTIME_TESTS ?= tests/integration

# `make test` runs one of them, the nastiest: the first above, where the
# day, the week and the month change together and the machine's zone is
# on another day than the bot's. Its files are those that read the date
# (about a minute; the whole suite again would take 3; `make test-anytime`
# runs it).
ANYTIME_TEST_AT = 2027-03-01T00:00:30@America/New_York
ANYTIME_TEST_FILES = $(addprefix tests/integration/,test_anytime.py \
	test_commands.py test_conversation.py test_admin.py test_admin_cli.py \
	test_newuser_time.py test_newuser_reports.py)

# `make test-anytime`: the unit tests and ANYTIME_TESTS (all integration
# tests; about 3 minutes a moment), sanitized, at each of ANYTIME_MOMENTS.
# One moment: make test-anytime ANYTIME_MOMENTS=2027-06-01T00:59:00@UTC
test-anytime:
	@set -e; for at in $(ANYTIME_MOMENTS); do \
		$(MAKE) SANITIZE=1 anytime-at ANYTIME_AT=$$at; done

# The unit tests of the current flavour and ANYTIME_TESTS at ANYTIME_AT.
anytime-at: $(UNIT_BINS) $(BUILD)/timmy
	@at='$(ANYTIME_AT)'; sh tests/harness/anytime.sh "$${at%@*}" "$${at#*@}" \
		$(MAKE) unit integration INTEGRATION_TESTS='$(ANYTIME_TESTS)'

# PostgreSQL, the second storage backend (storage/pg.c): the storage's
# unit tests again with every store on a private PostgreSQL
# (tests/harness/pg.sh; a database emptied for each test), and the
# integration files that hold for both engines with every bot on one
# (TIMMY_TEST_BACKEND, tests/integration/conftest.py). `make test` runs
# unit-pg, and test_standby.py and test_migrate.py in the integration
# suite; `make test-pg`, which CI runs beside it, the whole integration
# suite again on PostgreSQL (but the few tests of the SQLite file itself,
# marked sqlite_only) and tests/pg, which holds storage/schema-pg.sql to
# schema.sql.
PG_UNIT_TESTS = test_store test_team_digest test_commands test_delay test_idle \
	test_billing \
	test_rollup test_timesheet test_export_html \
	test_muc test_settings test_team test_time test_copy test_import \
	test_rounding
PG_INTEGRATION_TESTS ?= tests/integration
unit-pg: $(addprefix $(BUILD)/tests/,$(PG_UNIT_TESTS))
	@set -e; d=$$(mktemp -d /tmp/timmy-pg-XXXXXX); \
	trap 'sh tests/harness/pg.sh stop '"$$d"' >/dev/null' EXIT; \
	conn=$$(sh tests/harness/pg.sh start $$d); \
	for t in $(PG_UNIT_TESTS); do \
		TIMMY_TEST_PG="$$conn" \
		ASAN_OPTIONS=$${ASAN_OPTIONS:+$$ASAN_OPTIONS:}detect_leaks=1 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		CMOCKA_MESSAGE_OUTPUT=stdout $(BUILD)/tests/$$t; done

integration-pg: $(BUILD)/timmy
	TIMMY_TEST_BACKEND=postgresql $(MAKE) integration \
		INTEGRATION_TESTS='$(PG_INTEGRATION_TESTS)'

test-pg: deps
	$(MAKE) SANITIZE=1 integration-pg
	$(PYTHON) -m pytest -q -p no:cacheprovider $(PYTEST_WORKERS) tests/pg

# The module boundaries, checked: only bot/ speaks XMPP, only storage/ SQL
# (SQLite's and PostgreSQL's),
# and includes run one way, bot -> commands -> storage; lib/, the leaf all
# three use, includes none of them and neither library. A relative include
# that climbs back ("../bot/" from commands/) is refused like a library one.
layering:
	@! grep -n 'include.*strophe\.h' commands/* storage/* lib/* || \
		{ echo "layering: commands/, storage/ or lib/ includes strophe.h"; exit 1; }
	@! grep -n 'include.*sqlite3\.h' bot/* commands/* lib/* || \
		{ echo "layering: bot/, commands/ or lib/ includes sqlite3.h"; exit 1; }
	@! grep -n 'include.*libpq-fe\.h' bot/* commands/* lib/* || \
		{ echo "layering: bot/, commands/ or lib/ includes libpq-fe.h"; exit 1; }
	@! grep -n '#include *".*\.\./bot/' commands/* storage/* || \
		{ echo "layering: commands/ or storage/ includes bot/"; exit 1; }
	@! grep -n '#include *".*\.\./commands/' storage/* || \
		{ echo "layering: storage/ includes commands/"; exit 1; }
	@! grep -nE '#include *".*\.\./(bot|commands|storage)/' lib/* || \
		{ echo "layering: lib/ includes bot/, commands/ or storage/"; exit 1; }
	@echo "layering: ok"

test: deps
	$(MAKE) layering
	$(MAKE) all
	$(MAKE) SANITIZE=1 unit
	$(MAKE) SANITIZE=1 unit-pg
	$(MAKE) FUZZ_SECONDS=5 fuzz
	$(MAKE) systemd-check
	$(MAKE) SANITIZE=1 integration
	$(MAKE) SANITIZE=1 anytime-at ANYTIME_AT=$(ANYTIME_TEST_AT) \
		ANYTIME_TESTS='$(ANYTIME_TEST_FILES)'

# deps first, then a new make: its pkg-config flags see what deps installed.
demo: deps
	$(MAKE) all
	$(PYTHON) tests/demo.py --bin $(CURDIR)/timmy

deps:
	@sh contrib/deps.sh

# Benchmarks: timmy against Timewarrior on one generated history, then the
# chat path; markdown tables on stdout and a CSV under bench/results/
# (bench/README.md). QUICK=1 for a run of under a minute. SCALE=1 runs
# bench-scale's run instead.
bench: deps
	$(MAKE) all bench-tools
	PYTHON=$(PYTHON) TIMMY_BIN=$(CURDIR)/timmy QUICK=$(QUICK) \
		SCALE=$(SCALE) BACKEND=$(BACKEND) sh bench/run.sh

# The scale run (bench/scale.py; bench/README.md, docs/scaling.md): 10,000
# users with 1,000 entries each on BACKEND (sqlite, the default;
# postgresql; all), its size, one user's reports and exports, 200 users
# at once through Prosody, memory. QUICK=1: 1,000 x 100, under a minute.
# Not part of `make test`.
bench-scale:
	$(MAKE) bench SCALE=1

# The chat path's baseline echo bot and load client (bench/README.md): plain
# libstrophe programs, not linked with timmy.
BENCH_TOOLS = bench/echo bench/load
bench-tools: $(BENCH_TOOLS)
$(BENCH_TOOLS): %: %.c
	$(CC) -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L $(OPT) \
		$(WARN) $(shell pkg-config --cflags libstrophe) -o $@ $< \
		$(shell pkg-config --libs libstrophe)

# The systemd units: the bot, the weekly whole check of its database
# (the bot's start runs the quick one), and its nightly copy.
UNITS = timmy.service timmy-check.service timmy-check.timer \
	timmy-backup.service timmy-backup.timer

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SHAREDIR)/doc/timmy \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(LIBEXECDIR)
	install -m 755 timmy $(DESTDIR)$(BINDIR)/timmy
	install -m 755 timmy-bot $(DESTDIR)$(LIBEXECDIR)/timmy-bot
	install -m 644 bot.yaml.example README.md $(DESTDIR)$(SHAREDIR)/doc/timmy/
	for u in $(UNITS); do \
		sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@DOCDIR@|$(SHAREDIR)/doc/timmy|g' \
			contrib/$$u > $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
		chmod 644 $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done
	sed -e 's|@DOCDIR@|$(SHAREDIR)/doc/timmy|g' docs/timmy.8 > \
		$(DESTDIR)$(MANDIR)/man8/timmy.8
	chmod 644 $(DESTDIR)$(MANDIR)/man8/timmy.8

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/timmy $(UNITS:%=$(DESTDIR)$(UNITDIR)/%) \
		$(DESTDIR)$(MANDIR)/man8/timmy.8 $(DESTDIR)$(LIBEXECDIR)/timmy-bot
	-rmdir $(DESTDIR)$(LIBEXECDIR) 2>/dev/null
	rm -rf $(DESTDIR)$(SHAREDIR)/doc/timmy

# The units as `make install` writes them, checked by systemd itself:
# installed with PREFIX in a temp dir, so the binary they name exists,
# then `systemd-analyze verify` of each (must print nothing) and the
# offline security rating of each service (must stay at or below 1.1).
# Skipped where systemd-analyze is missing.
.PHONY: systemd-check
systemd-check:
	@command -v systemd-analyze >/dev/null 2>&1 || \
		{ echo "systemd-check: no systemd-analyze here; skipped"; exit 0; }; \
	tmp=$$(mktemp -d) || exit 1; trap 'rm -rf "$$tmp"' EXIT; \
	$(MAKE) install PREFIX=$$tmp/usr/local DESTDIR= >/dev/null || exit 1; \
	dir=$$tmp/usr/local/lib/systemd/system; \
	man=yes; command -v man >/dev/null 2>&1 || man=no; \
	for u in $(UNITS); do \
		MANPATH=$$tmp/usr/local/share/man systemd-analyze verify \
			--man=$$man "$$dir/$$u" > $$tmp/verify.out 2>&1; rc=$$?; \
		if [ $$rc -ne 0 ] || [ -s $$tmp/verify.out ]; then \
			sed "s|$$tmp|TMP|g" $$tmp/verify.out; \
			echo "systemd-check: systemd-analyze verify $$u failed" \
				"(exit $$rc)"; \
			exit 1; \
		fi; \
	done; \
	for u in $(filter %.service,$(UNITS)); do \
		line=$$(systemd-analyze security --offline=yes "$$dir/$$u" 2>&1 | \
			grep 'Overall exposure level'); \
		echo "systemd-check: $$u verify clean (man pages checked:" \
			"$$man), exposure $$(echo "$$line" | \
			sed 's|.*: *\([0-9][0-9.]*\).*|\1|')"; \
		echo "$$line" | awk '{ for (i = 1; i <= NF; i++) \
			if ($$i ~ /^[0-9.]+$$/) exit !($$i <= 1.1); exit 1 }' || \
			{ echo "systemd-check: $$u: exposure must stay at or" \
				"below 1.1"; exit 1; }; \
	done

# The Debian package (debian/). dpkg-buildpackage writes beside the tree
# it builds, so it builds a copy in build-deb/ without the build
# directories and binaries of this tree (tar does not read .gitignore's
# anchored patterns, hence the list). What debian/control's Build-Depends
# lists and is missing is installed first, as `make deps` does (root or
# sudo). The packages land in dist/; lintian on them must report no error.
# debian/changelog's version must be VERSION.
DEB_ARCH = $(shell dpkg --print-architecture 2>/dev/null)
DEB_SRC  = build-deb/timmy-$(VERSION)
deb:
	@sh contrib/deps.sh make gcc libc6-dev dpkg-dev debhelper lintian
	@v=$$(dpkg-parsechangelog -S Version); [ "$$v" = "$(VERSION)" ] || \
		{ echo "deb: debian/changelog is at $$v, the Makefile at" \
			"$(VERSION)"; exit 1; }
	@need=$$(dpkg-checkbuilddeps 2>&1 | \
		sed -n 's/.*Unmet build dependencies: //p' | \
		sed 's/([^)]*)//g; s/|[^ ]*//g'); \
	if [ -n "$$need" ]; then sh contrib/deps.sh $$need || exit 1; fi
	rm -rf build-deb && mkdir -p $(DEB_SRC)
	tar -cf - --exclude-vcs --exclude-vcs-ignores --exclude=./dist \
		--exclude=./build --exclude='./build-*' --exclude=./timmy \
		--exclude=./timmy-bot --exclude=./bench/echo \
		--exclude=./bench/load . | tar -xf - -C $(DEB_SRC)
	cd $(DEB_SRC) && dpkg-buildpackage -us -uc -b
	mkdir -p dist
	cp build-deb/timmy_$(VERSION)_$(DEB_ARCH).deb \
		build-deb/timmy-dbgsym_$(VERSION)_$(DEB_ARCH).deb dist/
	lintian --fail-on error build-deb/timmy_$(VERSION)_$(DEB_ARCH).changes
	@echo "deb: dist/timmy_$(VERSION)_$(DEB_ARCH).deb"

# The package tested (tests/deb/run.sh says how): its file list and
# maintainer scripts, then an install, upgrade, removal and purge in a
# fresh Debian root (debootstrap, as root, from the mirror apt uses; the
# base is kept in build-debtest/base), or, where no root can be made or
# TIMMY_DEB_NOROOT=1, the first part alone. About a minute with the base
# cached, two without. Not part of `make test`; CI runs it after it.
test-deb: deb
	sh tests/deb/run.sh

clean:
	rm -rf build build-asan build-fuzz build-deb build-debtest timmy timmy-bot $(BENCH_TOOLS)
