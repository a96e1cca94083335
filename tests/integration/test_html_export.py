"""timmy export --format html, looked at in a real browser: a week of
entries imported from a CSV file with `timmy import`, the page written
with `timmy export --format html`, its SVG bars checked against the data,
then rendered by Debian's chromium (headless, file:// only, a screenshot)
and the picture decoded here (zlib and struct, no imaging library): a
blank page, or one without its bars, fails. On both backends.

chromium is a test dependency (contrib/deps.sh; `make deps` and CI
install it): when it is missing the test fails and says so.
"""

import os
import shutil
import signal
import struct
import subprocess
import zlib
from html.parser import HTMLParser

import pytest

from conftest import bot_storage
from harness import config_text, run_timmy

ALICE = "alice@localhost"
CSV_HEADER = ("id,project,tags,note,start,stop,duration_seconds,"
              "duration_hours,breaks_seconds,rounded_seconds,rounded_hours,"
              "rounding")
NASTY = 'R&D <b>"x"</b>'

# The week of Mon 30 Nov 2026 in UTC (the configuration's zone).
ENTRIES = [
    ("acme", "2026-11-30T09:00:00", "2026-11-30T12:00:00"),
    ("acme", "2026-12-01T09:00:00", "2026-12-01T13:05:00"),
    ("globex", "2026-12-01T14:00:00", "2026-12-01T15:30:00"),
    ("acme", "2026-12-03T08:00:00", "2026-12-03T15:30:00"),
    (NASTY, "2026-12-03T16:00:00", "2026-12-03T16:20:00"),
    ("globex", "2026-12-04T10:00:00", "2026-12-04T12:45:00"),
]
DAY_SECONDS = {
    "2026-11-30": 10800, "2026-12-01": 20100, "2026-12-02": 0,
    "2026-12-03": 28200, "2026-12-04": 9900, "2026-12-05": 0,
    "2026-12-06": 0,
}
PROJECT_SECONDS = {"acme": 52500, "globex": 15300, NASTY: 1200}
PLOT_H = 170.0      # the height of the longest day's bar (export_html.c)
BAR_RGB = (0x3b, 0x6e, 0xa5)

CHROMIUM_TIMEOUT = 120


@pytest.fixture
def cfg(tmp_path, timmy_bin, request):
    """A bot.yaml (mode 0600) on the suite's backend, its database made
    by `timmy check` and alice's week imported into it."""
    path = tmp_path / "bot.yaml"
    path.write_text(config_text(
        jid="timmy@localhost", password="x", host="127.0.0.1", port=5222,
        db_path=str(tmp_path / "timmy.db"), allow=[ALICE],
        **bot_storage(request)))
    os.chmod(path, 0o600)
    r = run_timmy(["check", "-c", str(path)], binary=timmy_bin, timeout=30)
    assert r.returncode == 0, r.stderr
    csv = tmp_path / "week.csv"
    rows = [CSV_HEADER]
    for n, (project, start, stop) in enumerate(ENTRIES, 1):
        rows.append('%d,"%s",,,%s+00:00,%s+00:00,,,,,,' % (
            n, project.replace('"', '""'), start, stop))
    csv.write_text("\r\n".join(rows) + "\r\n")
    r = run_timmy(["import", "-c", str(path), "--user", ALICE, "--from",
                   "csv", str(csv)], binary=timmy_bin, timeout=60)
    assert r.returncode == 0, r.stderr + r.stdout
    assert "Imported %d entries" % len(ENTRIES) in r.stdout, r.stdout
    return str(path)


def export_html(cfg, timmy_bin, out, *words):
    r = run_timmy(["export", "-c", cfg, "--user", ALICE, "--format", "html",
                   "-o", str(out)] + list(words), binary=timmy_bin,
                  timeout=60)
    assert r.returncode == 0, r.stderr
    return r


class Bars(HTMLParser):
    """The bars of the page's two charts: (data-day or data-project,
    data-seconds, height or width) in order, per svg class."""

    def __init__(self):
        super().__init__()
        self.svg = None
        self.bars = {"days": [], "projects": []}
        self.tags = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.add(tag)
        if tag == "svg":
            self.svg = a.get("class")
        elif tag == "rect" and self.svg == "days":
            self.bars["days"].append((a["data-day"], int(a["data-seconds"]),
                                      float(a["height"])))
        elif tag == "rect" and self.svg == "projects":
            self.bars["projects"].append((a["data-project"],
                                          int(a["data-seconds"]),
                                          float(a["width"])))

    def handle_endtag(self, tag):
        if tag == "svg":
            self.svg = None


def chromium():
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("chromium is not installed: this test renders the HTML "
                    "report in it (sh contrib/deps.sh chromium)",
                    pytrace=False)
    return path


def run_chromium(args, tmp_path):
    """Runs headless chromium with args (file:// only, nothing from the
    network), in a session of its own so that, should it hang, its whole
    process group is ended by its id. Returns its stdout."""
    argv = [chromium(), "--headless", "--no-sandbox", "--disable-gpu",
            "--no-first-run", "--disable-background-networking",
            "--disable-sync", "--disable-extensions",
            "--disable-default-apps", "--disable-dev-shm-usage",
            "--user-data-dir=%s" % (tmp_path / "chromium-profile")] + args
    p = subprocess.Popen(argv, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = p.communicate(timeout=CHROMIUM_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        pytest.fail("chromium took more than %d s: %s" % (
            CHROMIUM_TIMEOUT, " ".join(argv)), pytrace=False)
    assert p.returncode == 0, err.decode(errors="replace")[-3000:]
    return out


def png_pixels(data):
    """(width, height, rows of RGB(A) bytes) of an 8-bit RGB or RGBA PNG,
    the scanline filters of the PNG specification undone."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", data[:8]
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = ihdr
    assert depth == 8 and colour in (2, 6) and interlace == 0, ihdr
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up = prev[i]
            ul = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + left) & 0xff
            elif f == 2:
                line[i] = (line[i] + up) & 0xff
            elif f == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xff
            elif f == 4:
                pa, pb, pc = abs(up - ul), abs(left - ul), abs(left + up - 2 * ul)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else ul
                line[i] = (line[i] + pred) & 0xff
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def test_export_html__a_week__bars_match_the_data(cfg, timmy_bin, tmp_path):
    out = tmp_path / "week.html"
    r = export_html(cfg, timmy_bin, out, "2026-11-30..2026-12-06")
    assert "timmy-report-2026-11-30_2026-12-06.html" in r.stderr, r.stderr
    assert oct(os.stat(out).st_mode & 0o777) == "0o600"
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>\n")
    # Self-contained: no script, nothing fetched, not even an xmlns.
    assert "<script" not in page.lower()
    assert "http" not in page.lower()
    assert "&lt;b&gt;&quot;x&quot;&lt;/b&gt;" in page

    bars = Bars()
    bars.feed(page)
    days = bars.bars["days"]
    assert [(d, s) for d, s, _ in days] == list(DAY_SECONDS.items())
    longest = max(DAY_SECONDS.values())
    for day, secs, height in days:
        assert abs(height - PLOT_H * secs / longest) < 0.01, (day, height)
    assert max(h for _, _, h in days) == PLOT_H
    projects = bars.bars["projects"]
    assert {p: s for p, s, _ in projects} == PROJECT_SECONDS
    widest = max(w for _, _, w in projects)
    for name, secs, width in projects:
        assert abs(width / widest - secs / max(PROJECT_SECONDS.values())) \
            < 0.001, (name, width)


def test_export_html__in_chromium__renders_a_page_with_its_bars(
        cfg, timmy_bin, tmp_path):
    chromium()
    out = tmp_path / "week.html"
    export_html(cfg, timmy_bin, out, "2026-11-30..2026-12-06")
    url = "file://" + str(out)

    # The browser's own parse: the DOM it built holds every bar.
    dom = run_chromium(["--dump-dom", url], tmp_path).decode()
    assert dom.count('<rect class="bar"') == len(DAY_SECONDS) + len(
        PROJECT_SECONDS), dom[:2000]
    assert "Time report" in dom

    shot = tmp_path / "week.png"
    run_chromium(["--screenshot=%s" % shot, "--window-size=1000,1400",
                  "--hide-scrollbars", url], tmp_path)
    width, height, bpp, rows = png_pixels(shot.read_bytes())
    assert (width, height) == (1000, 1400), (width, height)
    inked = bar = 0
    for row in rows:
        for i in range(0, len(row), bpp):
            rgb = row[i:i + 3]
            if min(rgb) < 200:
                inked += 1
            if all(abs(c - w) <= 24 for c, w in zip(rgb, BAR_RGB)):
                bar += 1
    total = width * height
    # Text, rules and bars: a blank (or nearly blank) page has none.
    assert inked > total * 0.02, "only %d of %d pixels drawn" % (inked, total)
    # The bars themselves, in their colour: the charts were drawn.
    assert bar > total * 0.005, "only %d pixels of bars" % bar
