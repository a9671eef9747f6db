#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The verdict of the lab's fault suite (tests/lab/lab-faults.sh).

Reads the directories that tests/lab/faults/one-lab.sh left (events.log,
node*.log, f*.log, relay*.log) and judges two things apart:

Safety (EVS), per message, from the clients' delivery logs:
  - every payload arrived as sent (checksum, sender);
  - no client delivers a message twice;
  - FIFO per sender: a client delivers a sender's messages in increasing
    order, and without a gap unless a membership change of the group came
    in between (within one configuration nothing is skipped);
  - no two clients deliver two common messages in opposite orders;
  - virtual synchrony: clients that move together from one view of the
    group to the same next view delivered the same messages in between;
  - every client that was not cut off by its daemon's death gets back
    every message the daemon accepted from it.

Availability, per fault, from the rings the daemons printed (ordod's
`ordod: ring ... at=` lines) and the driver's fault times:
  - ring changes at each node from the fault's start to the next fault;
  - healthy splits: a ring installed at a member that was never faulty in
    this fault which leaves out another such member;
  - rings of one: a ring of a single daemon installed anywhere, except at
    the victim while its fault lasts (a node cut off or flapping is alone);
  - heal time: from the heal to the moment every node is in one ring of
    all the daemons (for good, up to the next fault). A flapping node
    holds itself out until its link has stayed up for the engine's
    flap_hold_ns (engine/flap.c): a flap's heal time counts from the end
    of that hold (--flap-hold-ms, the engine's default 1 s, which the lab
    keeps); heal_ms_incl_hold is the time from the heal itself.
A baseline window (steady ring, no fault) is judged the same way.

Last line: `lab-faults: ok runs=N healthy_splits=0 singleton_rings=0
max_heal_ms=X` and exit 0, or `lab-faults: FAIL ...` with the reasons
above it and exit 1.

Usage: check.py [--max-heal-ms 500] [--max-flap-changes 4] [--flap-hold-ms 1000]
                [--availability enforce|report] LAB_DIR...
"""
import argparse
import re
import statistics
import sys
from collections import defaultdict
from pathlib import Path

KV = re.compile(r"(\w+)=(\S*)")


def kv(line):
    return dict(KV.findall(line))


def node_of(name):
    """'#f2k1#n2' -> 2"""
    m = re.search(r"#n(\d+)$", name)
    return int(m.group(1)) if m else 0


class Lab:
    def __init__(self, d):
        self.dir = Path(d)
        self.name = self.dir.name
        self.events = []
        for line in (self.dir / "events.log").read_text().splitlines():
            f = kv(line)
            f["t"] = float(f["t"])
            f["event"] = line.split("event=", 1)[1].split(" ")[0]
            self.events.append(f)
        lab = next(e for e in self.events if e["event"] == "lab")
        self.nodes = int(lab["nodes"])
        self.interval_ms = int(lab.get("interval_ms", "0"))
        self.rings = self.read_rings()
        self.clients = {e["name"]: int(e["node"]) for e in self.events
                        if e["event"] == "client"}

    def read_rings(self):
        """[(t, node, ring_id, frozenset(member nodes))], in time order."""
        ids = {}
        lines = []
        for f in sorted(self.dir.glob("node*.log")):
            i = int(re.match(r"node(\d+)", f.name).group(1))
            for line in f.read_text(errors="replace").splitlines():
                m = re.match(r"ordod: node=(\d+) members=", line)
                if m:
                    ids[int(m.group(1))] = i
                if line.startswith("ordod: ring "):
                    lines.append((i, line))
        rings = []
        for i, line in lines:
            f = kv(line)
            members = frozenset(ids.get(int(x), -1)
                                for x in f["ids"].split(",") if x)
            rings.append((float(f["at"]), i, line.split()[2], members))
        rings.sort(key=lambda r: r[0])
        return rings


# ------------------------------------------------------------- safety

def check_safety(lab, fails):
    deliveries = {}  # client -> [(sender, seq)]
    sent = {}
    closed = set()
    epochs = {}      # client -> [epoch of each delivery]
    segments = defaultdict(dict)  # (view, next view) -> client -> messages
    stats = defaultdict(int)
    for c, node in lab.clients.items():
        me = f"#{c}#n{node}"
        dl, ep, sn = [], [], []
        epoch = 0
        view, seg = None, set()
        p = lab.dir / f"{c}.log"
        for line in p.read_text(errors="replace").splitlines():
            f = kv(line)
            kind = line.split(" ", 2)[1] if " " in line else ""
            if kind == "msg":
                if f.get("ok") != "1":
                    fails.append(f"{lab.name}: {c} got a corrupted message "
                                 f"({f.get('from')}:{f.get('seq')})")
                    stats["corrupt"] += 1
                dl.append((f["from"], int(f["seq"])))
                ep.append(epoch)
                seg.add(dl[-1])
            elif kind == "memb":
                epoch += 1
                if f.get("kind") == "reg":
                    if view is not None:
                        segments[(view, f["gid"])][c] = seg
                    view, seg = f["gid"], set()
            elif kind == "sent":
                sn.append(int(f["seq"]))
            elif kind == "closed":
                closed.add(c)
            elif kind == "reject":
                fails.append(f"{lab.name}: {c} had a send rejected ({line})")
        deliveries[c], epochs[c], sent[c] = dl, ep, sn
        if not p.read_text().startswith("t="):
            fails.append(f"{lab.name}: client {c} never connected "
                         f"({(lab.dir / (c + '.err')).read_text().strip()})")
        stats["deliveries"] += len(dl)
        stats["sent"] += len(sn)
        # No duplicates.
        if len(set(dl)) != len(dl):
            n = len(dl) - len(set(dl))
            stats["duplicates"] += n
            fails.append(f"{lab.name}: {c} delivered {n} message(s) twice")
        # FIFO per sender; no gap within a configuration.
        last = {}
        for (s, q), e in zip(dl, ep):
            if s in last:
                pq, pe = last[s]
                if q <= pq:
                    stats["fifo"] += 1
                    fails.append(f"{lab.name}: {c} delivered {s}:{q} after "
                                 f"{s}:{pq}")
                elif q != pq + 1 and e == pe:
                    stats["fifo"] += 1
                    fails.append(f"{lab.name}: {c} skipped {s}:{pq + 1}.."
                                 f"{q - 1} within one configuration")
            last[s] = (q, e)
        # Self-delivery of every accepted send (not after the daemon died).
        if c not in closed:
            mine = {q for s, q in dl if s == me}
            lost = [q for q in sn if q not in mine]
            if lost:
                stats["self"] += len(lost)
                fails.append(f"{lab.name}: {c} never got back {len(lost)} of "
                             f"its {len(sn)} accepted messages, e.g. "
                             f"{lost[:3]}")
    # Virtual synchrony: the same set between the same two views.
    for (v, w), by_client in segments.items():
        sets = list(by_client.items())
        for c, s in sets[1:]:
            if s != sets[0][1]:
                stats["vs"] += 1
                diff = sorted(s ^ sets[0][1])
                fails.append(f"{lab.name}: {sets[0][0]} and {c} moved together "
                             f"from view {v} to {w} but delivered different "
                             f"messages in it ({len(diff)} differ, e.g. "
                             f"{diff[:2]})")
    # Pairwise total order over common messages.
    names = sorted(deliveries)
    pos = {c: {m: k for k, m in enumerate(deliveries[c])} for c in names}
    for a_i, a in enumerate(names):
        for b in names[a_i + 1:]:
            common = [m for m in deliveries[a] if m in pos[b]]
            pb = [pos[b][m] for m in common]
            bad = sum(1 for x, y in zip(pb, pb[1:]) if y < x)
            if bad:
                stats["order"] += bad
                fails.append(f"{lab.name}: {a} and {b} deliver common "
                             f"messages in opposite orders ({bad} inversions)")
    stats["clients"] = len(names)
    stats["closed"] = len(closed)
    return stats


# ------------------------------------------------------- availability

def windows(lab):
    """(name, victim, start, heal, end, settled) per fault, plus the
    baseline: from the steady ring to the first fault."""
    ev = lab.events
    stop = next((e["t"] for e in ev if e["event"] == "stop"), ev[-1]["t"])
    faults = [e for e in ev if e["event"] == "fault"]
    starts = [e for e in faults if e["phase"] == "start"]
    steady = next((e["t"] for e in ev if e["event"] == "steady"), None)
    out = []
    if steady is not None:
        end = starts[0]["t"] if starts else stop
        out.append(("baseline", 0, steady, steady, end, True))
    for k, s in enumerate(starts):
        end = starts[k + 1]["t"] if k + 1 < len(starts) else stop
        heal = next((e["t"] for e in faults if e["phase"] == "heal"
                     and s["t"] <= e["t"] <= end), None)
        settled = any(e["phase"] == "settled" and s["t"] <= e["t"] <= end
                      for e in faults)
        out.append((s["name"], int(s["victim"]), s["t"], heal, end, settled))
    return out


def judge_window(lab, w, flap_hold_ms):
    name, victim, start, heal, end, settled = w
    n = lab.nodes
    healthy = {i for i in range(1, n + 1) if i != victim}
    state = {}
    for t, i, rid, mem in lab.rings:
        if t < start:
            state[i] = (rid, mem)
    changes = defaultdict(int)
    splits = singles = 0
    details = []
    full_since = None
    full = lambda: (len(state) == n and
                    len({r for r, _ in state.values()}) == 1 and
                    all(len(m) == n for _, m in state.values()))
    if full():
        full_since = start
    for t, i, rid, mem in lab.rings:
        if t < start or t > end:
            continue
        state[i] = (rid, mem)
        changes[i] += 1
        if i in healthy and (healthy - mem):
            splits += 1
            if len(details) < 3:
                details.append(f"n{i} in {rid} without "
                               f"{sorted(healthy - mem)} at "
                               f"+{(t - start) * 1000:.0f} ms")
        if len(mem) == 1 and n > 1 and not (i == victim and heal is not None
                                            and t <= heal):
            singles += 1
        if full():
            if full_since is None:
                full_since = t
        else:
            full_since = None
    if heal is None or full_since is None or not settled:
        heal_ms = None
    else:
        heal_ms = max(0.0, (full_since - heal) * 1000)
    incl_hold = heal_ms
    if name == "flap" and heal_ms is not None:
        heal_ms = max(0.0, heal_ms - flap_hold_ms)
    return {
        "name": name, "victim": victim, "splits": splits, "singles": singles,
        "heal_ms": heal_ms, "heal_incl_hold_ms": incl_hold, "details": details,
        "healthy_changes": max((changes[i] for i in healthy), default=0),
        "victim_changes": changes[victim] if victim else 0,
        "fault_ms": ((heal - start) * 1000) if heal else 0,
        "excluded": any(victim and i in healthy and victim not in mem
                        for t, i, _, mem in lab.rings if start <= t <= end),
    }


def relay_stats(lab):
    """node -> {egress|ingress: {counter: int}} from the relays' last lines."""
    out = defaultdict(dict)
    for f in lab.dir.glob("relay*.log"):
        i = int(re.match(r"relay(\d+)", f.name).group(1))
        for line in f.read_text().splitlines():
            if " stats " in line:
                d = line.split(" stats ", 1)[1].split(" ", 1)[0]
                out[i][d] = {k: int(v) for k, v in kv(line).items()
                             if v.isdigit()}
    return out


def check_effect(lab, r, relays, fails):
    """A fault that changed nothing would make a test that cannot fail.
    A flap is the exception: its link is down 200 ms at a time, as long as
    the lab's TokenTimeout, and a ring that rides it through without
    leaving the victim out is the goal (issue 12), not a broken injector
    (the flap's ip link calls fail the run themselves if they fail)."""
    v = r["victim"]
    if r["name"] in ("cut", "stop", "kill") and not r["excluded"]:
        fails.append(f"{lab.name}: {r['name']} of n{v} had no effect: no "
                     f"other node ever left it out (injector broken?)")
    if r["name"] == "cut" and relays.get(v, {}).get("egress", {}).get(
            "drop_cut", 0) == 0:
        fails.append(f"{lab.name}: relay {v} cut nothing")
    if r["name"] == "loss":
        lost = sum(relays[i].get("ingress", {}).get("drop_loss", 0)
                   for i in relays)
        reord = sum(relays[i].get("ingress", {}).get("reordered", 0)
                    for i in relays)
        if len(relays) < lab.nodes or lost == 0 or reord == 0:
            fails.append(f"{lab.name}: the relays lost {lost} and reordered "
                         f"{reord} frames: no loss fault happened")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--max-heal-ms", type=float, default=500)
    ap.add_argument("--max-flap-changes", type=int, default=4)
    ap.add_argument("--flap-hold-ms", type=float, default=1000)
    ap.add_argument("--availability", choices=["enforce", "report"],
                    default="enforce")
    ap.add_argument("labs", nargs="+")
    a = ap.parse_args()

    safety_fails, avail_fails, effect_fails = [], [], []
    results = []  # (lab, result)
    totals = defaultdict(int)
    for d in a.labs:
        out = Path(d).with_suffix(".out")
        try:
            lab = Lab(d)
        except (OSError, StopIteration, KeyError, ValueError) as e:
            tail = out.read_text().splitlines()[-3:] if out.exists() else []
            safety_fails.append(f"{Path(d).name}: no lab to check ({e}); "
                                + " | ".join(tail))
            continue
        if not any(e["event"] == "result" for e in lab.events):
            tail = out.read_text().splitlines()[-3:] if out.exists() else []
            safety_fails.append(f"{lab.name}: the lab stopped early: "
                                + " | ".join(tail))
        s = check_safety(lab, safety_fails)
        for k in ("deliveries", "sent", "duplicates", "fifo", "order", "vs",
                  "self", "corrupt"):
            totals[k] += s[k]
        print(f"lab-faults: {lab.name} nodes={lab.nodes} clients={s['clients']}"
              f" deliveries={s['deliveries']} sent={s['sent']} duplicates="
              f"{s['duplicates']} fifo_errors={s['fifo']} order_inversions="
              f"{s['order']} vs_differences={s['vs']} self_missing={s['self']} "
              f"corrupt={s['corrupt']}")
        relays = relay_stats(lab)
        ev = [e for e in lab.events if e["event"] in ("fault", "end")]
        if any(e.get("phase") == "unhealed" for e in ev):
            e = next(e for e in ev if e.get("phase") == "unhealed")
            avail_fails.append(f"{lab.name}: no full ring after {e['name']} "
                               f"(rings {e.get('rings')}); later faults "
                               f"not run")
        if any(e["event"] == "end" and e.get("crashed") == "1" for e in ev):
            safety_fails.append(f"{lab.name}: a daemon crashed")
        for w in windows(lab):
            r = judge_window(lab, w, a.flap_hold_ms)
            results.append((lab, r))
            heal = "unhealed" if r["heal_ms"] is None else f"{r['heal_ms']:.0f}"
            print(f"lab-faults: {lab.name} {r['name']:8s} victim=n{r['victim']}"
                  f" fault_ms={r['fault_ms']:.0f} ring_changes=healthy_max:"
                  f"{r['healthy_changes']},victim:{r['victim_changes']}"
                  f" healthy_splits={r['splits']} singleton_rings="
                  f"{r['singles']} heal_ms={heal}"
                  + (f" heal_ms_incl_hold={r['heal_incl_hold_ms']:.0f}"
                     if r["name"] == "flap" and r["heal_ms"] is not None
                     else "")
                  + (f" e.g. {'; '.join(r['details'])}" if r["details"] else ""))
            check_effect(lab, r, relays, effect_fails)
            where = f"{lab.name} {r['name']} (victim n{r['victim']})"
            if r["splits"]:
                avail_fails.append(f"{where}: {r['splits']} healthy split(s)")
            if r["singles"]:
                avail_fails.append(f"{where}: {r['singles']} ring(s) of one")
            if r["heal_ms"] is not None and r["heal_ms"] > a.max_heal_ms:
                avail_fails.append(f"{where}: full ring {r['heal_ms']:.0f} ms "
                                   f"after the heal (goal {a.max_heal_ms:.0f})")
            if r["name"] == "flap" and r["healthy_changes"] > a.max_flap_changes:
                avail_fails.append(f"{where}: {r['healthy_changes']} ring "
                                   f"changes at a healthy node (goal "
                                   f"{a.max_flap_changes})")

    # Figures per fault and lab size, across runs.
    by = defaultdict(list)
    for lab, r in results:
        by[(r["name"], lab.nodes)].append(r)
    for (name, n), rs in sorted(by.items()):
        heals = sorted(r["heal_ms"] for r in rs if r["heal_ms"] is not None)
        hs = (f"{heals[0]:.0f}/{statistics.median(heals):.0f}/{heals[-1]:.0f}"
              if heals else "-")
        print(f"lab-faults: summary fault={name} nodes={n} runs={len(rs)} "
              f"heal_ms_min/med/max={hs} unhealed="
              f"{sum(r['heal_ms'] is None for r in rs)} ring_changes_healthy_max="
              f"{max(r['healthy_changes'] for r in rs)} ring_changes_victim_max="
              f"{max(r['victim_changes'] for r in rs)} healthy_splits="
              f"{sum(r['splits'] for r in rs)} singleton_rings="
              f"{sum(r['singles'] for r in rs)}")

    runs = sum(1 for _, r in results if r["name"] != "baseline")
    splits = sum(r["splits"] for _, r in results)
    singles = sum(r["singles"] for _, r in results)
    heals = [r["heal_ms"] for _, r in results if r["heal_ms"] is not None]
    unhealed = sum(r["heal_ms"] is None for _, r in results)
    max_heal = f"{max(heals):.0f}" if heals else "-"
    fails = safety_fails + effect_fails
    if a.availability == "enforce":
        fails += avail_fails
    else:
        for f in avail_fails:
            print(f"lab-faults: availability (reported only): {f}")
    for f in fails[:40]:
        print(f"lab-faults: FAIL {f}")
    if len(fails) > 40:
        print(f"lab-faults: ... and {len(fails) - 40} more")
    line = (f"runs={runs} healthy_splits={splits} singleton_rings={singles} "
            f"max_heal_ms={max_heal}")
    if fails:
        print(f"lab-faults: FAIL {line} unhealed={unhealed} safety_violations="
              f"{len(safety_fails)} failures={len(fails)}")
        return 1
    print(f"lab-faults: ok {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
