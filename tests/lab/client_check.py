#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The verdict of `make client-check` (tests/lab/client-check.sh): reads
the clients' event logs (cc_client's `msg` / `memb` / `closed` lines) and
checks what the scenario promises. Prints each failure and, when there is
none, `client-check: ok` with the counts.
Usage: client_check.py DIR N SLOW_MSGS
"""
import sys
from pathlib import Path

D = Path(sys.argv[1])
N = int(sys.argv[2])
SLOW = int(sys.argv[3])
CLIENTS = ["a1", "s1", "a2", "s2", "a3", "s3", "z1", "n1x", "x2", "h2"]
NAME = {c: f"#{c}#n{c[1]}" for c in CLIENTS}
SERVICES = {1, 2, 4, 8, 16, 32}
fails = []


def fail(msg):
    fails.append(msg)


def parse(c):
    events = []
    for line in (D / f"{c}.log").read_text().splitlines():
        kind, _, rest = line.partition(" ")
        kv = dict(f.split("=", 1) for f in rest.split(" ") if "=" in f)
        events.append((kind, kv))
    return events


log = {c: parse(c) for c in CLIENTS}
msgs = {c: [kv for k, kv in log[c] if k == "msg"] for c in CLIENTS}
memb = {c: [kv for k, kv in log[c] if k == "memb"] for c in CLIENTS}

# 1. Integrity: every payload arrived as sent, from who it says.
for c in CLIENTS:
    for m in msgs[c]:
        if m["ok"] != "1":
            fail(f"{c}: corrupted message {m['id']}")
        if m["id"].split(":")[0] != m["from"]:
            fail(f"{c}: message {m['id']} claims sender {m['from']}")

# 2. Exactly once, and one total order: any two clients see the messages
#    they both received in the same order.
order = {}
for c in CLIENTS:
    ids = [m["id"] for m in msgs[c]]
    if len(ids) != len(set(ids)):
        fail(f"{c}: duplicate deliveries")
    order[c] = {i: n for n, i in enumerate(ids)}
for i, c in enumerate(CLIENTS):
    for d in CLIENTS[i + 1:]:
        common = [x for x in order[c] if x in order[d]]
        seq_d = [order[d][x] for x in common]
        if seq_d != sorted(seq_d):
            fail(f"{c} and {d} disagree on the order of their common messages")

# 3. Completeness of phase 1: what each sender sent to each group, by the
#    sender's own numbering (cc_client numbers its messages from 1).
sent = {}  # id -> set of destination groups
def plan(c, groups, first, count):
    for s in range(first, first + count):
        sent[f"{NAME[c]}:{s}"] = groups
for c in ["a1", "a2", "a3"]:
    plan(c, {"A"}, 1, N)
for c in ["s1", "s2", "s3"]:
    plan(c, {"B"}, 1, N)
plan("a1", {"A", "B"}, N + 1, 30)
plan("s2", {"A", "B"}, N + 1, 30)
plan("a1", {"#s3#n3"}, N + 31, 5)
phase1 = {"a1": {"A"}, "a2": {"A", "B"}, "a3": {"A"}, "s1": {"A", "B"},
          "s2": {"B"}, "s3": {"B", "#s3#n3"}}
for c, groups in phase1.items():
    got = set(order[c])
    want = {i for i, g in sent.items() if g & groups}
    missing = want - got
    if missing:
        fail(f"{c}: {len(missing)} of {len(want)} phase-1 messages missing, "
             f"e.g. {sorted(missing)[:3]}")
    extra = {i for i in got if i in sent and not sent[i] & groups}
    if extra:
        fail(f"{c}: got {len(extra)} messages for groups it is not in")
    svcs = {int(m["svc"]) for m in msgs[c]}
    if not SERVICES <= svcs:
        fail(f"{c}: services seen {sorted(svcs)}, not all six")

# 3a. The Access policy: a1's join of and send to "secret1" came back
#     refused (EACCES), and no one saw a message for secret1.
rejects = [kv for k, kv in log["a1"] if k == "reject"]
if len(rejects) != 2 or any(kv.get("error") != "-9" for kv in rejects):
    fail(f"a1: expected two ORDO_ERR_ACCESS (-9) rejects for secret1, got {rejects}")
for c in CLIENTS:
    if any("secret1" in m["groups"].split(",") for m in msgs[c]):
        fail(f"{c}: got a message for the refused group secret1")

# 3b. The slow consumer: z1 was cut off and told why; a1, in the same
#     group, got every one of a2's messages to C; a1 saw z1 go.
flood = {f"{NAME['a2']}:{s}" for s in range(N + 1, N + 1 + SLOW)}
if not flood <= set(order["a1"]):
    fail(f"a1: missing {len(flood - set(order['a1']))} of a2's {SLOW} messages to C")
reasons = [kv.get("reason") for k, kv in log["z1"] if k == "closed"]
if reasons != ["slow-consumer"]:
    fail(f"z1: closed with {reasons}, expected slow-consumer")
got_z = [m["id"] for m in msgs["z1"] if m["id"] in flood]
if got_z != sorted(got_z, key=lambda i: int(i.split(":")[1])):
    fail("z1: what it did get of the flood is out of order")
if len(got_z) >= SLOW:
    fail("z1: got the whole flood; it was never behind (test too small)")

# 3c. The client that broke its ring was cut off and told why.
reasons = [kv.get("reason") for k, kv in log["x2"] if k == "closed"]
if reasons != ["ring-corrupt"]:
    fail(f"x2: closed with {reasons}, expected ring-corrupt")

# 3d. Nothing of h2's half message reached anyone.
for c in CLIENTS:
    if any(m["from"] == NAME["h2"] for m in msgs[c]):
        fail(f"{c}: got a message from h2, which never finished one")

# 4. After node 3 died, the survivors still ordered: a1's 50 more to A and
#    s1's 50 more to B reached the survivors in those groups.
# (a1's message N+36 was the one refused for secret1.)
restart = {f"{NAME['a1']}:{s}" for s in range(N + 37, N + 57)}
for c in ["a2", "s1"]:
    if not restart <= set(order[c]):
        fail(f"{c}: missing a1's messages sent while its ordo-ctrld restarted")
after_a = {f"{NAME['a1']}:{s}" for s in range(N + 57, N + 107)}
after_b = {f"{NAME['s1']}:{s}" for s in range(N + 1, N + 51)}
for c, want in [("a1", after_a), ("a2", after_a | after_b),
                ("s1", after_a | after_b)]:
    if not want <= set(order[c]):
        fail(f"{c}: missing {len(want - set(order[c]))} messages sent after node 3 died")


# 5. Membership messages.
def members(kv):
    return set(filter(None, kv.get("members", "").split(",")))


def has(c, group, kind, cause, mset=None):
    for kv in memb[c]:
        if kv["group"] == group and kv["kind"] == kind and kv["cause"] == cause \
                and (mset is None or members(kv) == {NAME[x] for x in mset}):
            return True
    fail(f"{c}: no '{kind} {cause}' membership of {group}"
         + (f" with members {sorted(mset)}" if mset else ""))
    return False


A = ["a1", "a2", "a3", "s1"]
B = ["s1", "s2", "s3", "a2"]
for c in A:
    has(c, "A", "reg", "join", A if c in ("a1", "a3") else None)
for c in B:
    has(c, "B", "reg", "join", B if c in ("s2", "s3") else None)
for c in ["a1", "a2", "s1"]:
    has(c, "A", "reg", "leave", ["a1", "a2", "s1"])
has("a3", "A", "selfleave", "leave")
has("a1", "C", "reg", "disconnect", ["a1"])
for c in ["s1", "s3", "a2"]:
    has(c, "B", "reg", "disconnect", ["s1", "s3", "a2"])
for c in ["a2", "s1"]:
    has(c, "B", "trans", "-")
    has(c, "B", "reg", "network", ["s1", "a2"])
for c in ["a1", "a2", "s1", "n1x"]:
    has(c, "A", "reg", "network", ["a1", "a2", "s1", "n1x"])
# A membership lists the view in one order everywhere.
views = {}
for c in CLIENTS:
    for kv in memb[c]:
        if kv["kind"] == "reg":
            key = (kv["group"], kv["cause"], frozenset(members(kv)))
            views.setdefault(key, set()).add(kv["members"])
for key, spellings in views.items():
    if len(spellings) > 1:
        fail(f"view {key[0]} {key[1]} listed in different orders: {spellings}")
# Node 3's clients were told their daemon went away.
for c in ["a3", "s3"]:
    if not any(k == "closed" for k, _ in log[c]):
        fail(f"{c}: not told that its daemon died")

if fails:
    for f in fails[:30]:
        print("client-check: FAIL " + f)
    print(f"client-check: {len(fails)} failure(s); logs in {D}")
    sys.exit(1)
total = sum(len(msgs[c]) for c in CLIENTS)
nmemb = sum(len(memb[c]) for c in CLIENTS)
print(f"client-check: ok clients=10 (7 libordo, 3 sp.h) nodes=3 "
      f"deliveries={total} membership_messages={nmemb} services=6 "
      f"total_order=yes access=refused slow_consumer=disconnected "
      f"ring_corrupt=disconnected died_mid_message=reclaimed "
      f"ctrld_restart=ok")
