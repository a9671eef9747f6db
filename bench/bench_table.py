#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
#
# The table `make bench` prints: the medians of Google Benchmark's JSON
# outputs (one file per benchmark binary), one line per benchmark, with
# items and payload bytes per second and, for a benchmark whose label
# names a baseline ("vs memcpy/1120B"), its ratio to that baseline as
# measured in the same run. Exits 1 if any benchmark reported an error:
# a figure over a failed run is not a figure.
#
#   bench_table.py out-engine.json out-micro.json ...
import json
import re
import sys

SERVICES = {"5": "AGREED", "6": "SAFE"}


def short_name(run_name):
    """Drops Google Benchmark's suffixes; names the engine ring's args."""
    name = re.sub(r"/(min_time:[0-9.]+|real_time)", "", run_name)
    m = re.match(r"BM_Ring/nodes:(\d+)/size:(\d+)/mtu:(\d+)/svc:(\d+)", name)
    if m:
        nodes, size, mtu, svc = m.groups()
        name = "engine-ring/%sx/%sB/mtu%s/%s" % (
            nodes, size, mtu, SERVICES.get(svc, "svc" + svc))
    return name


def si(v, unit=""):
    """Three significant digits and an SI prefix: 1.02 M, 657 k."""
    for prefix in ("", "k", "M", "G", "T"):
        if abs(v) < 999.5 or prefix == "T":
            break
        v /= 1000.0
    digits = 0 if abs(v) >= 99.95 else 1 if abs(v) >= 9.995 else 2
    return "%.*f %s%s" % (digits, v, prefix, unit)


def main(paths):
    rows, errors, load, reps = [], [], None, set()
    for path in paths:
        with open(path) as f:
            text = f.read()
        if not text.strip():  # a filter that matched nothing there
            continue
        doc = json.loads(text)
        load = load or doc.get("context", {}).get("load_avg")
        for b in doc["benchmarks"]:
            if b.get("error_occurred"):
                errors.append("%s: %s" % (short_name(b.get("run_name", b["name"])),
                                          b.get("error_message", "error")))
                continue
            if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
                continue
            reps.add(b.get("repetitions", 1))
            rows.append(b)

    by_name = {short_name(b["run_name"]): b for b in rows}
    print("make bench: medians of %s repetitions; load average %s" % (
        "/".join(str(r) for r in sorted(reps)) or "?",
        " ".join("%.2f" % x for x in load) if load else "?"))
    print("%-36s %11s %11s   %s" % ("benchmark", "items/s", "payload/s", "vs baseline, or more"))
    for b in rows:
        name = short_name(b["run_name"])
        items = b.get("items_per_second", 0.0)
        bps = b.get("bytes_per_second")
        ratio = ""
        m = re.match(r"vs (\S+)", b.get("label", ""))
        if m and m.group(1) in by_name:
            base = by_name[m.group(1)].get("items_per_second", 0.0)
            if base > 0:
                ratio = "= %.2f of %s (%s/s)" % (items / base, m.group(1), si(base))
        if "records_per_s" in b:
            ratio = "%s records/s" % si(b["records_per_s"])
        if "node_msgs_per_s" in b:
            ratio = "%s msgs/s per member-core" % si(b["node_msgs_per_s"])
        print("%-36s %11s %11s   %s" % (name, si(items, "/s"),
                                        si(bps, "B/s") if bps else "-", ratio))
    for e in errors:
        print("FAILED " + e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
