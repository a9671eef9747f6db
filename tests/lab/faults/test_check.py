#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""check.py on made-up labs: a clean one passes, and each kind of
violation it exists to find (safety and availability) fails it with a
reason that names it. No lab, no root: runs in `meson test`."""
import subprocess
import sys
import tempfile
from pathlib import Path

CHECK = Path(__file__).with_name("check.py")
T0 = 1000.0
IDS = {1: 172818433, 2: 172818434, 3: 172818435}


def ring(t, rid, members):
    ids = ",".join(str(IDS[m]) for m in members)
    return f"ordod: ring {rid} members={len(members)} at={T0 + t:.6f} ids={ids}"


def clean():
    """3 nodes; n1's egress is cut at t=10 and healed at t=13; n2 and n3
    go on without it and all three are whole again at t=13.2. Each client
    sends 1..4 before the cut, n2's and n3's 5..6 during it, 7 after."""
    lab = {"events": [], "nodes": {}, "clients": {}, "relays": {}}
    ev = lab["events"]
    ev.append(f"t={T0:.6f} event=lab nodes=3 timeouts=x interval_ms=20")
    for i in (1, 2, 3):
        ev.append(f"t={T0 + 1:.6f} event=client name=f{i} node={i} pid={i}")
    ev += [f"t={T0 + 5:.6f} event=steady rings=x",
           f"t={T0 + 10:.6f} event=fault name=cut victim=1 phase=start",
           f"t={T0 + 13:.6f} event=fault name=cut victim=1 phase=heal",
           f"t={T0 + 15:.6f} event=fault name=cut victim=1 phase=settled",
           f"t={T0 + 16:.6f} event=stop",
           f"t={T0 + 17:.6f} event=end crashed=0",
           f"t={T0 + 17:.6f} event=result faults=1 of=1 crashed=0"]
    for i in (1, 2, 3):
        lab["nodes"][i] = [f"ordod: node={IDS[i]} members=3 ports=1",
                           ring(2, "a.1", [1, 2, 3])]
    lab["nodes"][1] += [ring(10.3, "a.3", [1]), ring(13.2, "a.9", [1, 2, 3])]
    for i in (2, 3):
        lab["nodes"][i] += [ring(10.2, "b.2", [2, 3]),
                            ring(13.2, "a.9", [1, 2, 3])]
    full = "#f1#n1,#f2#n2,#f3#n3"
    before = [(s, q) for q in range(1, 5) for s in (1, 2, 3)]
    during = [(s, q) for q in (5, 6) for s in (2, 3)]
    after = [(s, 7) for s in (1, 2, 3)]
    for c in (1, 2, 3):
        L = [f"t={T0 + 1:.6f} connected as=#f{c}#n{c}",
             f"t={T0 + 2:.6f} memb group=F kind=reg cause=join gid=1.1.1 "
             f"members={full}"]
        mine = [q for s, q in before + during + after if s == c]
        L += [f"t={T0 + 3:.6f} sent seq={q} svc=5" for q in mine]
        L += [f"t={T0 + 4:.6f} msg from=#f{s}#n{s} seq={q} svc=5 ok=1"
              for s, q in before]
        L.append(f"t={T0 + 10.3:.6f} memb group=F kind=trans cause=- "
                 f"gid=1.1.1 members=")
        if c == 1:
            L.append(f"t={T0 + 10.3:.6f} memb group=F kind=reg "
                     f"cause=network gid=3.2.0 members=#f1#n1")
        else:
            L.append(f"t={T0 + 10.3:.6f} memb group=F kind=reg "
                     f"cause=network gid=1.2.0 members=#f2#n2,#f3#n3")
            L += [f"t={T0 + 11:.6f} msg from=#f{s}#n{s} seq={q} svc=5 ok=1"
                  for s, q in during]
        L.append(f"t={T0 + 13.2:.6f} memb group=F kind=reg cause=network "
                 f"gid=1.3.0 members={full}")
        L += [f"t={T0 + 14:.6f} msg from=#f{s}#n{s} seq={q} svc=5 ok=1"
              for s, q in after]
        L.append(f"t={T0 + 16:.6f} stopped last=7 busy=0")
        lab["clients"][c] = L
        lab["relays"][c] = [
            f"t={T0 + 17:.6f} stats egress cut=0 rx=9 tx=9 reordered=0 "
            f"drop_cut={5 if c == 1 else 0} drop_loss=0",
            f"t={T0 + 17:.6f} stats ingress cut=0 rx=9 tx=9 reordered=0 "
            f"drop_cut=0 drop_loss=0"]
    return lab


def write(lab, d):
    d.mkdir()
    (d / "events.log").write_text("\n".join(lab["events"]) + "\n")
    for i, L in lab["nodes"].items():
        (d / f"node{i}.log").write_text("\n".join(L) + "\n")
    for c, L in lab["clients"].items():
        (d / f"f{c}.log").write_text("\n".join(L) + "\n")
        (d / f"f{c}.err").write_text("")
    for i, L in lab["relays"].items():
        (d / f"relay{i}.log").write_text("\n".join(L) + "\n")


def run(lab, tmp, name):
    d = Path(tmp) / name
    write(lab, d)
    p = subprocess.run([sys.executable, str(CHECK), str(d)],
                       capture_output=True, text=True)
    return p.returncode, p.stdout


def replace_line(L, old, new):
    k = next(i for i, x in enumerate(L) if old in x)
    L[k] = L[k].replace(old, new)


def mutations():
    """(name, what the verdict must say, how to break the clean lab)"""
    def dup(lab):
        L = lab["clients"][2]
        L.insert(-1, next(x for x in L if "msg from=#f1#n1 seq=7 " in x))

    def fifo(lab):
        L = lab["clients"][3]
        a = next(i for i, x in enumerate(L) if "msg from=#f1#n1 seq=2 " in x)
        b = next(i for i, x in enumerate(L) if "msg from=#f1#n1 seq=3 " in x)
        L[a], L[b] = L[b], L[a]

    def gap(lab):
        L = lab["clients"][3]
        L.remove(next(x for x in L if "msg from=#f1#n1 seq=3 " in x))

    def vs(lab):
        # Not a FIFO gap (a view change comes between 4 and 6), but n2
        # and n3 moved together through view 1.2.0 and n2 misses one.
        L = lab["clients"][2]
        L.remove(next(x for x in L if "msg from=#f3#n3 seq=5 " in x))

    def order(lab):
        L = lab["clients"][2]
        a = next(i for i, x in enumerate(L) if "msg from=#f1#n1 seq=7 " in x)
        b = next(i for i, x in enumerate(L) if "msg from=#f3#n3 seq=7 " in x)
        L[a], L[b] = L[b], L[a]

    def self_lost(lab):
        L = lab["clients"][1]
        L.remove(next(x for x in L if "msg from=#f1#n1 seq=7 " in x))
        for c in (2, 3):
            M = lab["clients"][c]
            M.remove(next(x for x in M if "msg from=#f1#n1 seq=7 " in x))

    def corrupt(lab):
        replace_line(lab["clients"][3], "seq=4 svc=5 ok=1", "seq=4 svc=5 ok=0")

    def singleton(lab):
        lab["nodes"][2].insert(-1, ring(13.1, "b.5", [2]))

    def split(lab):
        lab["nodes"][3].insert(-1, ring(11.0, "b.4", [1, 3]))

    def slow(lab):
        for i in (1, 2, 3):
            replace_line(lab["nodes"][i], f"at={T0 + 13.2:.6f}",
                         f"at={T0 + 13.9:.6f}")

    def unhealed(lab):
        lab["events"] = [e for e in lab["events"] if "phase=settled" not in e]
        lab["events"].insert(-3, f"t={T0 + 15:.6f} event=fault name=cut "
                             f"victim=1 phase=unhealed rings=x")
        for i in (1, 2, 3):
            lab["nodes"][i].pop()

    def no_effect(lab):
        for i in (2, 3):
            lab["nodes"][i] = lab["nodes"][i][:2]
        lab["nodes"][1] = lab["nodes"][1][:2]

    def relay_idle(lab):
        replace_line(lab["relays"][1], "drop_cut=5", "drop_cut=0")

    def early(lab):
        lab["events"] = [e for e in lab["events"] if "event=result" not in e]

    def silent(lab):
        lab["clients"][3] = []

    return [
        ("duplicate", "twice", dup),
        ("fifo", "after #f1#n1:3", fifo),
        ("gap", "within one configuration", gap),
        ("virtual synchrony", "moved together", vs),
        ("order", "opposite orders", order),
        ("self", "never got back", self_lost),
        ("corrupt", "corrupted", corrupt),
        ("singleton", "ring(s) of one", singleton),
        ("split", "healthy split", split),
        ("slow heal", "after the heal", slow),
        ("unhealed", "no full ring", unhealed),
        ("no effect", "had no effect", no_effect),
        ("relay idle", "cut nothing", relay_idle),
        ("stopped early", "stopped early", early),
        ("silent client", "never connected", silent),
    ]


def main():
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        rc, out = run(clean(), tmp, "clean")
        last = out.strip().splitlines()[-1] if out.strip() else ""
        if rc != 0 or not last.startswith("lab-faults: ok runs=1 "
                                          "healthy_splits=0 singleton_rings=0 "
                                          "max_heal_ms=200"):
            print(f"FAIL clean lab: rc={rc}\n{out}")
            bad += 1
        else:
            print(f"ok   clean lab: {last}")
        # A flap: the victim holds itself out for the engine's hold (1 s)
        # after the heal; the heal time counts from the end of the hold.
        for late, want_rc in ((14.1, 0), (14.7, 1)):
            lab = clean()
            lab["events"] = [e.replace("name=cut", "name=flap")
                             for e in lab["events"]]
            for i in (1, 2, 3):
                replace_line(lab["nodes"][i], f"at={T0 + 13.2:.6f}",
                             f"at={T0 + late:.6f}")
            rc, out = run(lab, tmp, f"flap{late}")
            if rc != want_rc or (want_rc == 0) != ("heal_ms=100 " in out):
                print(f"FAIL flap healed {late - 13:.1f} s after: rc={rc}\n{out}")
                bad += 1
            else:
                print(f"ok   flap healed {late - 13:.1f} s after the heal: "
                      f"rc={rc}")
        for k, (name, want, mutate) in enumerate(mutations()):
            lab = clean()
            mutate(lab)
            rc, out = run(lab, tmp, f"m{k}")
            if rc != 1 or want not in out or \
                    not out.strip().splitlines()[-1].startswith("lab-faults: FAIL"):
                print(f"FAIL {name}: rc={rc}, wanted '{want}' in:\n{out}")
                bad += 1
            else:
                print(f"ok   {name}: caught ('{want}')")
    print(f"test_check: {bad} failure(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
