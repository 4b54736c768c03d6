#!/usr/bin/env python3
"""bench/decide.py DB: bench/bench_province.lua as a straightforward Python program (sqlite3,
json and csv modules of the standard library): reads the candidates of gia-lap, 2023, level
co-so from a dvk database, applies the same gates, criteria, rounding, outcomes, rank and
quota, writes py_results and py_scores in one transaction, writes the results as CSV to
DB.py.csv, and prints the outcome counts and the sum of totals like bench/decide.sql."""
import csv
import json
import math
import sqlite3
import sys

CUTOFF = (2023, 11, 30)
QUOTA = 1000


def months(started_on):
    y1, m1, d1 = int(started_on[0:4]), int(started_on[5:7]), int(started_on[8:10])
    y2, m2, d2 = CUTOFF
    n = (y2 - y1) * 12 + (m2 - m1)
    if n > 0 and d2 < d1:
        n -= 1
    elif n < 0 and d2 > d1:
        n += 1
    return n


def part(mx, v, full):
    if v is None:
        return 0
    return mx * min(max(v / full, 0), 1)


def round2(x):
    v = abs(x) * 100.0
    r = math.floor(v + 0.5 + 1e-9 * (v if v > 1 else 1))
    return math.copysign(r / 100.0, x)


def main():
    db = sqlite3.connect(sys.argv[1])
    rows = db.execute("SELECT id, code, registration, address, started_on, metrics FROM models "
                      "WHERE province = 'gia-lap' AND year = 2023 AND level = 'co-so' ORDER BY code")
    cands = []
    for mid, code, reg, address, started_on, metrics in rows:
        m = json.loads(metrics)
        eligible = bool(address) and started_on is not None and months(started_on) >= 12
        scores = None
        total = 0.0
        if eligible:
            scores = [part(30, m.get("beneficiaries"), 1000), part(20, m.get("funds_vnd"), 2e9),
                      part(15, m.get("workdays"), 5000), part(15, m.get("participants"), 5000),
                      part(10, m.get("houses"), 50), 10 if reg == "tiep-tuc" else 5]
            v = 0
            for s in scores:
                v = v + s
            total = round2(v)
        if eligible and total >= 60:
            outcome = "tieu-bieu"
        elif eligible and total >= 35:
            outcome = "cong-nhan"
        else:
            outcome = "khong-cong-nhan"
        cands.append([mid, code, eligible, total, outcome, scores, 0])
    cands.sort(key=lambda c: (not c[2], -c[3], -(c[5][0] if c[2] else 0), c[1]))
    kept = 0
    for rank, c in enumerate(cands, 1):
        c[6] = rank
        if c[4] == "tieu-bieu":
            kept += 1
            if kept > QUOTA:
                c[4] = "cong-nhan"
    db.execute("DROP TABLE IF EXISTS py_results")
    db.execute("DROP TABLE IF EXISTS py_scores")
    db.execute("CREATE TABLE py_results(model INTEGER PRIMARY KEY, eligible INTEGER, total REAL, "
               "outcome TEXT, rank INTEGER)")
    db.execute("CREATE TABLE py_scores(model INTEGER, criterion TEXT, points REAL, max REAL, "
               "PRIMARY KEY (model, criterion))")
    names = [("huong-loi", 30), ("kinh-phi", 20), ("ngay-cong", 15), ("tham-gia", 15), ("nha", 10),
             ("duy-tri", 10)]
    with db:
        db.executemany("INSERT INTO py_results VALUES (?, ?, ?, ?, ?)",
                       ((c[0], int(c[2]), c[3], c[4], c[6]) for c in cands))
        db.executemany("INSERT INTO py_scores VALUES (?, ?, ?, ?)",
                       ((c[0], n, c[5][i], mx) for c in cands if c[2] for i, (n, mx) in enumerate(names)))
    with open(sys.argv[1] + ".py.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["code", "eligible", "total", "outcome", "rank"])
        for c in cands:
            w.writerow([c[1], int(c[2]), c[3], c[4], c[6]])
    counts = {}
    for c in cands:
        counts[c[4]] = counts.get(c[4], 0) + 1
    for k in sorted(counts):
        print("py|%s|%d" % (k, counts[k]))
    print("py|total|%.6f" % sum(c[3] for c in cands if c[2]))


if __name__ == "__main__":
    main()
