"""bench/table.py - the one way every part of `make bench` reports: a
Table of rows, printed as markdown on stdout and gathered into one CSV file
under bench/results/ (with the commit and the core count), so that runs on
different days and machines can be set side by side.

    t = Table("chat path: 50 users, mixed commands",
              ["operation", "timmy", "echo bot", "ratio"], unit_note="...")
    t.add(["status, sequential", 1234.5, 1300.0, 0.95])
    t.show()                      # markdown on stdout
    write_csv([t, ...], path, commit, cores)

A cell is a string or a number; numbers are printed with t.fmt (one
decimal by default) and written to the CSV as they are. None prints as
"-" (no such figure, e.g. Timewarrior has no totals per tag).
"""

import csv
import os


class Table:
    def __init__(self, title, columns, note="", fmt="%.1f"):
        self.title = title
        self.columns = list(columns)
        self.note = note
        self.fmt = fmt
        self.rows = []

    def add(self, cells):
        if len(cells) != len(self.columns):
            raise ValueError("%s: %d cells for %d columns"
                             % (self.title, len(cells), len(self.columns)))
        self.rows.append(list(cells))

    def cell(self, v):
        if v is None:
            return "-"
        if isinstance(v, float):
            return self.fmt % v
        return str(v)

    def markdown(self):
        out = ["### " + self.title, ""]
        if self.note:
            out += [self.note, ""]
        out.append("| " + " | ".join(self.columns) + " |")
        out.append("|" + "|".join("---" for _ in self.columns) + "|")
        for r in self.rows:
            out.append("| " + " | ".join(self.cell(v) for v in r) + " |")
        return "\n".join(out) + "\n"

    def show(self):
        print(self.markdown(), flush=True)


def write_csv(tables, path, commit, cores):
    """One CSV for the whole run: a row per table row, with the table's
    title and the column names, so that tables of different shapes share
    one file (columns: commit, cores, table, column, row, value)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["commit", "cores", "table", "row", "column", "value"])
        for t in tables:
            for r in t.rows:
                for col, v in zip(t.columns[1:], r[1:]):
                    w.writerow([commit, cores, t.title, r[0], col,
                                "" if v is None else v])
