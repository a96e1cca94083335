"""Deployment: the systemd units (the bot, the weekly whole check of its
database with its timer, and the nightly copy with its own), `make install` / `make uninstall`, and the
manual page.

The units are read as systemd reads them (sections, repeated keys, empty
assignments); systemd-analyze verifies and rates them where it is
installed (here and in `make systemd-check`). These tests pin what the
daemon and the README rely on, so a change to a unit that breaks them
fails here with the reason.
"""

import filecmp
import os
import re
import shutil
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
UNIT = os.path.join(ROOT, "contrib", "timmy.service")
CHECK_UNIT = os.path.join(ROOT, "contrib", "timmy-check.service")
CHECK_TIMER = os.path.join(ROOT, "contrib", "timmy-check.timer")
BACKUP_UNIT = os.path.join(ROOT, "contrib", "timmy-backup.service")
BACKUP_TIMER = os.path.join(ROOT, "contrib", "timmy-backup.timer")
UNITS = ("timmy.service", "timmy-check.service", "timmy-check.timer",
         "timmy-backup.service", "timmy-backup.timer")
MAN = os.path.join(ROOT, "docs", "timmy.8")

# The path bot.yaml must name under systemd: /run/credentials/<unit>/<id>.
CREDENTIAL_PATH = "/run/credentials/timmy.service/password"


def parse_unit(text):
    """A unit file as {section: [(key, value), ...]}, in order, with line
    continuations joined and comments dropped, as systemd reads it."""
    sections, current, pending = {}, None, ""
    for raw in text.splitlines():
        line = pending + raw.strip()
        pending = ""
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
            continue
        assert current is not None, "key outside a section: %r" % line
        key, sep, value = line.partition("=")
        assert sep, "not key=value: %r" % line
        current.append((key.strip(), value.strip()))
    return sections


def values(unit, key, section="Service"):
    return [v for k, v in unit.get(section, []) if k == key]


def value(unit, key, section="Service"):
    """The setting's one value; fails when it is missing or repeated."""
    vs = values(unit, key, section)
    assert len(vs) == 1, "%s= in [%s]: expected once, found %r" % (
        key, section, vs)
    return vs[0]


def read_unit(path):
    with open(path, encoding="utf-8") as f:
        return parse_unit(f.read())


@pytest.fixture(scope="module")
def unit():
    return read_unit(UNIT)


@pytest.fixture(scope="module")
def check_unit():
    return read_unit(CHECK_UNIT)


def test_unit__is_notify_with_watchdog_and_reload__for_sd_notify_daemon(unit):
    assert value(unit, "Type") == "notify"
    # Only the daemon itself may report READY=1, STATUS= and WATCHDOG=1.
    assert value(unit, "NotifyAccess") == "main"
    watchdog = value(unit, "WatchdogSec")
    assert watchdog.endswith("s") and int(watchdog[:-1]) >= 30, watchdog
    assert value(unit, "ExecReload") == "/bin/kill -HUP $MAINPID"
    assert value(unit, "Restart") == "on-failure"
    assert value(unit, "RestartSec")


def test_unit__runs_installed_binary_on_etc_config__with_one_check_first(unit):
    assert value(unit, "ExecStart") == \
        "@BINDIR@/timmy run -c /etc/timmy/bot.yaml"
    # Exactly one ExecStartPre=: with DynamicUser= systemd 252 denies the
    # credentials to every ExecStartPre= after the first. The quick check:
    # the whole one outlasts TimeoutStartSec= on a large database.
    assert value(unit, "ExecStartPre") == \
        "@BINDIR@/timmy check --quick -c /etc/timmy/bot.yaml"


def test_unit__hands_password_to_dynamic_user__as_credential(unit):
    assert value(unit, "DynamicUser") == "yes"
    assert value(unit, "LoadCredential") == "password:/etc/timmy/password"
    cred_id = value(unit, "LoadCredential").split(":", 1)[0]
    assert CREDENTIAL_PATH == "/run/credentials/%s/%s" % (
        os.path.basename(UNIT), cred_id)
    # The README tells the administrator to put exactly that path in
    # bot.yaml.
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        assert CREDENTIAL_PATH in f.read()


def test_unit__keeps_database_in_state_dir__private_to_the_bot(unit):
    assert value(unit, "StateDirectory") == "timmy"
    assert value(unit, "StateDirectoryMode") == "0700"
    assert value(unit, "ConfigurationDirectory") == "timmy"
    assert value(unit, "UMask") == "0077"


HARDENING = {
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "PrivateDevices": "yes",
    "PrivateUsers": "yes",
    "PrivateMounts": "yes",
    "NoNewPrivileges": "yes",
    "CapabilityBoundingSet": "",
    "AmbientCapabilities": "",
    "RestrictNamespaces": "yes",
    "RestrictRealtime": "yes",
    "RestrictSUIDSGID": "yes",
    "LockPersonality": "yes",
    "MemoryDenyWriteExecute": "yes",
    "ProtectKernelTunables": "yes",
    "ProtectKernelModules": "yes",
    "ProtectKernelLogs": "yes",
    "ProtectControlGroups": "yes",
    "ProtectClock": "yes",
    "ProtectHostname": "yes",
    "ProtectProc": "invisible",
    "ProcSubset": "pid",
    "DevicePolicy": "closed",
    "KeyringMode": "private",
    "RemoveIPC": "yes",
    "SystemCallArchitectures": "native",
}


@pytest.mark.parametrize("key", sorted(HARDENING))
def test_unit__sandboxes_the_daemon__setting(unit, key):
    assert value(unit, key) == HARDENING[key]


def test_unit__filters_system_calls__service_set_minus_privileged(unit):
    filters = values(unit, "SystemCallFilter")
    assert "@system-service" in filters, filters
    denied = [f[1:].split() for f in filters if f.startswith("~")]
    assert any({"@privileged", "@resources"} <= set(d) for d in denied), \
        filters


def test_unit__allows_only_ip_and_unix_sockets__but_any_server_address(unit):
    families = value(unit, "RestrictAddressFamilies").split()
    assert sorted(families) == ["AF_INET", "AF_INET6", "AF_UNIX"]
    # The bot must reach its XMPP server, DNS and upload services wherever
    # they are, loopback included: only link-local (the cloud metadata
    # service among them) and multicast addresses are denied, and there is
    # no allow list and no private network.
    assert sorted(value(unit, "IPAddressDeny").split()) == [
        "link-local", "multicast"]
    assert values(unit, "IPAddressAllow") == []
    assert values(unit, "PrivateNetwork") in ([], ["no"])


def test_unit__binds_no_port__writes_no_core__and_caps_memory(unit):
    # timmy only connects out.
    assert value(unit, "SocketBindDeny") == "any"
    # The bot holds the password; the watchdog's SIGABRT would dump core.
    assert value(unit, "LimitCORE") == "0"
    # The README and timmy(8) name this figure: room for the bot's 15-35 MB
    # and an export's 4 MiB, not for a runaway.
    assert value(unit, "MemoryMax") == "256M"
    for doc in (MAN, os.path.join(ROOT, "README.md")):
        with open(doc, encoding="utf-8") as f:
            text = f.read()
        for word in ("256 MB", "MemoryMax=", "LimitCORE=0",
                     "SocketBindDeny=any", "IPAddressDeny="):
            assert word in text, (doc, word)


def exposure(unit_path):
    """The overall exposure `systemd-analyze security --offline=yes`
    gives the unit file."""
    r = subprocess.run(["systemd-analyze", "security", "--offline=yes",
                        unit_path], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=60)
    m = re.search(r"Overall exposure level for \S+: ([0-9.]+)", r.stdout)
    assert m, r.stdout
    return float(m.group(1))


def test_unit__starts_after_network__and_names_its_manual(unit):
    assert "network-online.target" in value(unit, "After", "Unit").split()
    assert "network-online.target" in value(unit, "Wants", "Unit").split()
    assert value(unit, "WantedBy", "Install") == "multi-user.target"
    assert "man:timmy(8)" in value(unit, "Documentation", "Unit").split()


def test_check_unit__runs_the_whole_check__once_after_the_bot_starts(
        check_unit):
    assert value(check_unit, "Type") == "oneshot"
    assert value(check_unit, "ExecStart") == \
        "@BINDIR@/timmy check -c /etc/timmy/bot.yaml"
    assert value(check_unit, "After", "Unit") == "timmy.service"
    assert "man:timmy(8)" in value(check_unit, "Documentation",
                                   "Unit").split()
    # Started by its timer only: nothing to enable it by.
    assert "Install" not in check_unit


def test_check_unit__reads_the_bots_database__as_the_bots_user(unit,
                                                                check_unit):
    # One dynamic user for both: the one systemd names after timmy.service.
    assert value(check_unit, "DynamicUser") == "yes"
    assert values(unit, "User") == []
    assert value(check_unit, "User") == \
        os.path.basename(UNIT)[:-len(".service")]
    for key in ("StateDirectory", "StateDirectoryMode",
                "ConfigurationDirectory", "UMask", "LimitCORE",
                "MemoryMax", "LoadCredential"):
        assert value(check_unit, key) == value(unit, key), key


def test_check_unit__finds_its_password__where_bot_yaml_names_it(
        check_unit):
    cred_id = value(check_unit, "LoadCredential").split(":", 1)[0]
    own = "/run/credentials/%s/%s" % (os.path.basename(CHECK_UNIT), cred_id)
    assert value(check_unit, "BindReadOnlyPaths") == \
        "%s:%s" % (own, CREDENTIAL_PATH)


@pytest.mark.parametrize("path", [CHECK_UNIT, BACKUP_UNIT])
def test_admin_unit__is_sandboxed__as_the_bot_is(unit, path):
    other = read_unit(path)
    sandbox = set(HARDENING) | {
        "PrivateIPC", "RestrictAddressFamilies", "SocketBindDeny",
        "IPAddressDeny", "SystemCallFilter", "SystemCallErrorNumber"}
    for key in sorted(sandbox):
        assert values(other, key) == values(unit, key), key


def test_check_timer__starts_the_check_weekly__and_catches_up(check_unit):
    timer = read_unit(CHECK_TIMER)
    # No Unit=: the timer starts the service of its own name.
    assert values(timer, "Unit", "Timer") == []
    assert os.path.basename(CHECK_TIMER)[:-len(".timer")] == \
        os.path.basename(CHECK_UNIT)[:-len(".service")]
    assert value(timer, "OnCalendar", "Timer").startswith("Sun ")
    assert value(timer, "Persistent", "Timer") == "true"
    assert value(timer, "WantedBy", "Install") == "timers.target"


@pytest.fixture(scope="module")
def backup_unit():
    return read_unit(BACKUP_UNIT)


def test_backup_unit__copies_beside_the_database__without_the_password(
        unit, backup_unit):
    assert value(backup_unit, "Type") == "oneshot"
    assert value(backup_unit, "ExecStart") == \
        "@BINDIR@/timmy backup -c /etc/timmy/bot.yaml " \
        "/var/lib/timmy/timmy-backup.db"
    assert value(backup_unit, "After", "Unit") == "timmy.service"
    assert "Install" not in backup_unit
    # The bot's user and state directory, which the copy is written into.
    assert value(backup_unit, "DynamicUser") == "yes"
    assert value(backup_unit, "User") == \
        os.path.basename(UNIT)[:-len(".service")]
    for key in ("StateDirectory", "StateDirectoryMode",
                "ConfigurationDirectory", "UMask", "LimitCORE", "MemoryMax"):
        assert value(backup_unit, key) == value(unit, key), key
    # timmy backup loads bot.yaml without its secrets.
    assert values(backup_unit, "LoadCredential") == []
    assert values(backup_unit, "BindReadOnlyPaths") == []


def test_backup_timer__starts_the_copy_nightly__and_catches_up():
    timer = read_unit(BACKUP_TIMER)
    assert values(timer, "Unit", "Timer") == []
    assert os.path.basename(BACKUP_TIMER)[:-len(".timer")] == \
        os.path.basename(BACKUP_UNIT)[:-len(".service")]
    assert value(timer, "OnCalendar", "Timer") == "*-*-* 03:00:00"
    assert value(timer, "RandomizedDelaySec", "Timer")
    assert value(timer, "Persistent", "Timer") == "true"
    assert value(timer, "WantedBy", "Install") == "timers.target"


def make(*args):
    """Runs make in the repository root. MAKEFLAGS from an outer make (for
    example SANITIZE=1 from `make test`) must not reach it: it would copy
    a sanitized build over ./timmy."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES",
                        "SANITIZE", "FUZZ", "BUILD")}
    return subprocess.run(["make", "-C", ROOT] + list(args), env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=600)


def installed_files(root):
    found = []
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            found.append(os.path.relpath(os.path.join(dirpath, name), root))
    return sorted(found)


def install(dest):
    if shutil.which("make") is None:
        pytest.skip("no make")
    r = make("install", "DESTDIR=" + dest, "PREFIX=/opt/timmy")
    assert r.returncode == 0, r.stdout
    return dest


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """`make install DESTDIR=... PREFIX=/opt/timmy`: the staging root."""
    return install(str(tmp_path_factory.mktemp("destdir")))


def test_install__puts_binary_unit_docs_and_man_page__under_prefix(installed):
    assert installed_files(installed) == [
        "opt/timmy/bin/timmy",
        "opt/timmy/lib/systemd/system/timmy-backup.service",
        "opt/timmy/lib/systemd/system/timmy-backup.timer",
        "opt/timmy/lib/systemd/system/timmy-check.service",
        "opt/timmy/lib/systemd/system/timmy-check.timer",
        "opt/timmy/lib/systemd/system/timmy.service",
        "opt/timmy/libexec/timmy/timmy-bot",
        "opt/timmy/share/doc/timmy/README.md",
        "opt/timmy/share/doc/timmy/bot.yaml.example",
        "opt/timmy/share/man/man8/timmy.8",
    ]
    for rel in ("bin/timmy", "libexec/timmy/timmy-bot"):
        binary = os.path.join(installed, "opt/timmy", rel)
        assert os.stat(binary).st_mode & 0o777 == 0o755, rel
    for rel in ["lib/systemd/system/" + u for u in UNITS] + [
            "share/man/man8/timmy.8", "share/doc/timmy/README.md",
            "share/doc/timmy/bot.yaml.example"]:
        mode = os.stat(os.path.join(installed, "opt/timmy", rel)).st_mode
        assert mode & 0o777 == 0o644, (rel, oct(mode))
    for name in ("README.md", "bot.yaml.example"):
        assert filecmp.cmp(os.path.join(ROOT, name), os.path.join(
            installed, "opt/timmy/share/doc/timmy", name), shallow=False)


def installed_unit(installed, name):
    """The text of unit name as `make install` wrote it."""
    with open(os.path.join(installed, "opt/timmy/lib/systemd/system", name),
              encoding="utf-8") as f:
        return f.read()


def test_install__fills_in_paths__in_units_and_man_page(installed):
    units = {}
    for name in UNITS:
        text = installed_unit(installed, name)
        assert re.search(r"@[A-Z]+@", text) is None, \
            "a placeholder is left in %s" % name
        units[name] = unit = parse_unit(text)
        assert "file:///opt/timmy/share/doc/timmy/README.md" in value(
            unit, "Documentation", "Unit").split(), name
        # Everything else is the source unit, unchanged.
        source = read_unit(os.path.join(ROOT, "contrib", name))
        for section, settings in source.items():
            for key, val in settings:
                if "@BINDIR@" in val or "@DOCDIR@" in val:
                    continue
                assert val in values(unit, key, section), (name, section, key)
    # The paths inside the machine, without DESTDIR.
    bot = units["timmy.service"]
    assert value(bot, "ExecStart") == \
        "/opt/timmy/bin/timmy run -c /etc/timmy/bot.yaml"
    assert value(bot, "ExecStartPre") == \
        "/opt/timmy/bin/timmy check --quick -c /etc/timmy/bot.yaml"
    assert value(units["timmy-check.service"], "ExecStart") == \
        "/opt/timmy/bin/timmy check -c /etc/timmy/bot.yaml"
    assert value(units["timmy-backup.service"], "ExecStart") == \
        "/opt/timmy/bin/timmy backup -c /etc/timmy/bot.yaml " \
        "/var/lib/timmy/timmy-backup.db"

    with open(os.path.join(installed, "opt/timmy/share/man/man8/timmy.8"),
              encoding="utf-8") as f:
        man = f.read()
    assert "@DOCDIR@" not in man
    assert "/opt/timmy/share/doc/timmy/bot.yaml.example" in man


@pytest.fixture(scope="module")
def installed_in_place(tmp_path_factory):
    """`make install PREFIX=...` into a temporary directory, without
    DESTDIR: the units name the binary where it is, as systemd-analyze
    verify wants (make systemd-check does the same)."""
    if shutil.which("make") is None:
        pytest.skip("no make")
    prefix = str(tmp_path_factory.mktemp("prefix"))
    r = make("install", "PREFIX=" + prefix, "DESTDIR=")
    assert r.returncode == 0, r.stdout
    return prefix


@pytest.mark.parametrize("name", UNITS)
def test_install__unit_verifies_clean__by_systemd_analyze(installed_in_place,
                                                          name):
    if shutil.which("systemd-analyze") is None:
        pytest.skip("no systemd-analyze")
    # The manual page it names is looked up where it was installed.
    env = dict(os.environ,
               MANPATH=os.path.join(installed_in_place, "share/man"))
    man = "yes" if shutil.which("man") else "no"
    r = subprocess.run(["systemd-analyze", "verify", "--man=" + man,
                        os.path.join(installed_in_place, "lib/systemd/system",
                                     name)],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=60, env=env)
    assert r.returncode == 0 and r.stdout == "", r.stdout


@pytest.mark.parametrize("name", [u for u in UNITS if u.endswith(".service")])
def test_install__unit_rates_at_most_1_1__by_systemd_analyze(installed, name):
    if shutil.which("systemd-analyze") is None:
        pytest.skip("no systemd-analyze")
    score = exposure(os.path.join(installed, "opt/timmy/lib/systemd/system",
                                  name))
    assert score <= 1.1, (name, score)


def test_uninstall__removes_every_installed_file(tmp_path):
    dest = install(str(tmp_path))
    assert installed_files(dest) != []
    r = make("uninstall", "DESTDIR=" + dest, "PREFIX=/opt/timmy")
    assert r.returncode == 0, r.stdout
    assert installed_files(dest) == []


MAN_TOPICS = ("run", "check", "report", "export", "backup",
              "timmy-backup.timer", "SIGTERM", "SIGHUP",
              "bot.yaml.example", "/etc/timmy/bot.yaml", "EXIT STATUS",
              "EXAMPLES", "FILES", "CONFIGURATION", "access.allow")


def test_man_page__lints_clean__with_mandoc():
    if shutil.which("mandoc") is None:
        pytest.skip("mandoc is not installed (the rendering test still runs)")
    # -W warning: errors and warnings, not style hints that depend on
    # which other manual pages this machine has.
    r = subprocess.run(["mandoc", "-T", "lint", "-W", "warning", MAN],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=30)
    assert r.returncode == 0 and r.stdout == "", r.stdout


def test_man_page__renders_without_warnings__and_covers_topics():
    # man(1) and groff, as most readers see it; else mandoc.
    if shutil.which("man"):
        cmd = ["man", "--warnings", "-l", MAN]
    elif shutil.which("mandoc"):
        cmd = ["mandoc", "-T", "ascii", MAN]
    else:
        pytest.skip("neither man nor mandoc is installed")
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAN_KEEP_FORMATTING", "MANPAGER", "PAGER")}
    env["MANWIDTH"] = "80"
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=30, env=env)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    # Plain text: drop overstrike (bold "X\bX", underline "_\bX").
    text = r.stdout
    while "\b" in text:
        i = text.index("\b")
        text = text[:i - 1] + text[i + 1:]
    assert text.lstrip().startswith("TIMMY(8)"), text[:200]
    for topic in MAN_TOPICS:
        assert topic in text, "man page lacks %r" % topic


def test_installed_run__starts_the_bot_from_libexec__beside_bin(installed,
                                                               tmp_path):
    # `timmy run` becomes timmy-bot (bot/main.c): installed, it is found
    # in ../libexec/timmy from the binary, wherever the tree was put. A
    # config that does not exist is the bot's own complaint, not timmy's.
    binary = os.path.join(installed, "opt/timmy/bin/timmy")
    r = subprocess.run([binary, "run", "-c", str(tmp_path / "none.yaml")],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 1, r.stderr
    assert "configuration has errors" in r.stderr, r.stderr
    assert "bot's program" not in r.stderr


def test_run__says_which_program_is_missing__without_timmy_bot(tmp_path):
    lone = tmp_path / "timmy"
    shutil.copy(os.path.join(ROOT, "timmy"), lone)
    r = subprocess.run([str(lone), "run", "-c", str(tmp_path / "x.yaml")],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 1
    assert "cannot run the bot's program" in r.stderr, r.stderr
    assert str(tmp_path) + "/timmy-bot" in r.stderr
    assert "No such file or directory" in r.stderr
