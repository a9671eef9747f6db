#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
#
# The checker of tests/lab/flush.sh: reads every flush-library member's
# log (tests/lab/clients/fl_client.c) and checks the flush library's
# guarantees (include/fl.h) across all of them:
#
#   views      every member that installs view G lists the same members,
#              and is one of them; a member's views never repeat
#   flushreq   every view after a member's first one is preceded, in that
#              member's log, by a flush request and its FL_flush for the
#              view it leaves; a first view comes without one
#   sent-in    every message is delivered in the view it was sent in (the
#              view the sender wrote into it is the receiver's view), from
#              a member of that view
#   self       a member delivers every message it sent in a view before it
#              installs the next one (unless it was killed in that view)
#   vs sets    a member's vs set for view G is exactly the members of G
#              that came to G from the same view as it did
#   same set   members that move together from view V to the same next
#              view delivered the same messages in V, in the same order
#   complete   a member that ended cleanly got back everything it sent
#   no error   no member logged an error
#
# Prints one line per violation (at most 20 per kind) and ends with
#   flush-check: ok members=M views=V messages=N moves=K
# or `flush-check: FAILED ...` (exit 1).
#
# Usage: flush_check.py LOG...     (--selftest: the checker must catch
#                                   crafted violations)
import sys
from collections import defaultdict


def parse(path):
    """One member's log: its name, private group and events in order."""
    m = {'path': path, 'events': [], 'private': None, 'name': path,
         'errors': [], 'ended': False, 'end_ok': False}
    with open(path, errors='replace') as f:
        for raw in f:
            line = raw.rstrip('\n')
            if not line:
                continue
            word, _, rest = line.partition(' ')
            kv = dict(p.split('=', 1) for p in rest.split(' ') if '=' in p)
            if word == 'start':
                m['private'] = kv.get('private')
                m['name'] = kv.get('name', path)
            elif word == 'error':
                m['errors'].append(line)
            elif word == 'end':
                m['ended'] = True
                m['end_ok'] = kv.get('sent') == kv.get('back')
            elif word in ('view', 'flushreq', 'flush', 'send', 'recv',
                          'selfleave'):
                m['events'].append((word, kv))
    return m


def check(members):
    bad = defaultdict(list)
    view_members = {}          # gid -> member list
    # (member, view) -> list of (from, seq) delivered in that view
    delivered = defaultdict(list)
    # member -> list of (view, prev, vs set)
    installs = defaultdict(list)
    sent = defaultdict(set)    # (member, view) -> seqs sent
    n_msgs = 0

    for m in members:
        me = m['private']
        if me is None:
            bad['log'].append(f"{m['path']}: no start line")
            continue
        for e in m['errors']:
            bad['no error'].append(f"{m['name']}: {e}")
        cur = '-'
        asked = flushed = False
        seen_views = set()
        for word, kv in m['events']:
            if word == 'view':
                g = kv.get('gid')
                mem = kv.get('members', '').split(',')
                vs = set(x for x in kv.get('vs', '').split(',') if x)
                if kv.get('prev') != cur:
                    bad['views'].append(f"{m['name']}: view {g} says prev "
                                        f"{kv.get('prev')}, the log says {cur}")
                if g in seen_views:
                    bad['views'].append(f"{m['name']}: view {g} twice")
                seen_views.add(g)
                if me not in mem:
                    bad['views'].append(f"{m['name']}: view {g} without us")
                if g in view_members and view_members[g] != mem:
                    bad['views'].append(f"view {g}: members {view_members[g]} "
                                        f"and {mem}")
                view_members.setdefault(g, mem)
                if cur != '-' and not (asked and flushed):
                    bad['flushreq'].append(f"{m['name']}: view {g} after {cur} "
                                           f"without flush request and flush")
                if cur == '-' and (asked or flushed):
                    bad['flushreq'].append(f"{m['name']}: flush before its "
                                           f"first view {g}")
                # Its own messages of the view it leaves came back.
                mine = set(s for f, s in delivered[(me, cur)] if f == me)
                missing = sent[(me, cur)] - mine
                if cur != '-' and missing:
                    bad['self'].append(f"{m['name']}: {len(missing)} of its "
                                       f"messages of view {cur} not delivered "
                                       f"to it there (e.g. seq {min(missing)})")
                installs[me].append((g, cur, vs))
                cur = g
                asked = flushed = False
            elif word == 'flushreq':
                if kv.get('view') != cur or asked:
                    bad['flushreq'].append(f"{m['name']}: flush request for "
                                           f"{kv.get('view')} in {cur}")
                asked = True
            elif word == 'flush':
                if not asked or flushed:
                    bad['flushreq'].append(f"{m['name']}: flush without a "
                                           f"request in {cur}")
                flushed = True
            elif word == 'send':
                if kv.get('view') != cur or cur == '-' or flushed:
                    bad['sent-in'].append(f"{m['name']}: sent in {kv.get('view')} "
                                          f"while in {cur} (flushed={flushed})")
                sent[(me, cur)].add(kv.get('seq'))
            elif word == 'recv':
                n_msgs += 1
                frm = kv.get('from')
                if kv.get('sent') != cur:
                    bad['sent-in'].append(f"{m['name']}: message {frm}/"
                                          f"{kv.get('seq')} sent in "
                                          f"{kv.get('sent')} delivered in {cur}")
                if cur in view_members and frm not in view_members[cur]:
                    bad['sent-in'].append(f"{m['name']}: message from {frm}, "
                                          f"not in view {cur}")
                delivered[(me, cur)].append((frm, kv.get('seq')))
            elif word == 'selfleave':
                pass
        if m['ended'] and not m['end_ok']:
            bad['complete'].append(f"{m['name']}: ended without all its "
                                   f"messages back")

    # vs sets and moves: who came to view G from where.
    came_from = defaultdict(dict)   # G -> {member: prev}
    for me, lst in installs.items():
        for g, prev, vs in lst:
            came_from[g][me] = prev
    moves = 0
    for me, lst in installs.items():
        for g, prev, vs in lst:
            if prev == '-':
                if vs != {me}:
                    bad['vs sets'].append(f"{me}: first view {g} has vs set "
                                          f"{sorted(vs)}, not itself alone")
                continue
            expect = set(p for p, pv in came_from[g].items() if pv == prev)
            # A member of G that never logged installing G (killed right
            # there) cannot be judged: only those that did.
            known = set(came_from[g])
            if (vs & known) != expect:
                bad['vs sets'].append(f"{me}: view {g} vs set {sorted(vs)}, "
                                      f"but {sorted(expect)} came from {prev}")
            for q in expect:
                if q <= me:
                    continue
                moves += 1
                a, b = delivered[(me, prev)], delivered[(q, prev)]
                if a != b:
                    sa, sb = set(a), set(b)
                    what = (f"{len(sa - sb)} only at {me}, {len(sb - sa)} only "
                            f"at {q}" if sa != sb else "same set, other order")
                    bad['same set'].append(f"{me} and {q} moved from {prev} to "
                                           f"{g} with different deliveries: {what}")
    return bad, len(view_members), n_msgs, moves


def report(members):
    bad, views, msgs, moves = check(members)
    for kind, lst in bad.items():
        for line in lst[:20]:
            print(f"flush-check: {kind}: {line}")
        if len(lst) > 20:
            print(f"flush-check: {kind}: ... {len(lst) - 20} more")
    if bad:
        print(f"flush-check: FAILED ({', '.join(f'{k}={len(v)}' for k, v in bad.items())})")
        return 1
    print(f"flush-check: ok members={len(members)} views={views} "
          f"messages={msgs} moves={moves}")
    return 0


def selftest():
    """Crafted logs: a clean history passes, each violation is caught."""
    import os
    import tempfile

    a, b = '#a#n1', '#b#n2'
    clean = {
        'a': ['start name=a private=#a#n1',
              'view gid=1 members=#a#n1 prev=- vs=#a#n1 cause=join',
              'send seq=1 view=1', 'recv from=#a#n1 seq=1 sent=1 view=1',
              'flushreq view=1', 'flush view=1',
              'view gid=2 members=#a#n1,#b#n2 prev=1 vs=#a#n1 cause=join',
              'send seq=2 view=2', 'recv from=#a#n1 seq=2 sent=2 view=2',
              'flushreq view=2', 'flush view=2',
              'view gid=3 members=#a#n1,#b#n2 prev=2 vs=#a#n1,#b#n2 cause=network',
              'end sent=2 back=2'],
        'b': ['start name=b private=#b#n2',
              'view gid=2 members=#a#n1,#b#n2 prev=- vs=#b#n2 cause=join',
              'recv from=#a#n1 seq=2 sent=2 view=2',
              'flushreq view=2', 'flush view=2',
              'view gid=3 members=#a#n1,#b#n2 prev=2 vs=#a#n1,#b#n2 cause=network',
              'end sent=0 back=0'],
    }
    mutants = {
        'no flush request': ('a', 'flushreq view=1', None),
        'delivered in another view': ('b', 'recv from=#a#n1 seq=2 sent=2 view=2',
                                      'recv from=#a#n1 seq=2 sent=1 view=2'),
        'a message missing at one mover': ('b', 'recv from=#a#n1 seq=2 sent=2 view=2', None),
        'own message not back': ('a', 'recv from=#a#n1 seq=1 sent=1 view=1', None),
        'wrong vs set': ('b', 'view gid=3 members=#a#n1,#b#n2 prev=2 vs=#a#n1,#b#n2 cause=network',
                         'view gid=3 members=#a#n1,#b#n2 prev=2 vs=#b#n2 cause=network'),
        'views disagree': ('b', 'view gid=3 members=#a#n1,#b#n2 prev=2 vs=#a#n1,#b#n2 cause=network',
                           'view gid=3 members=#b#n2 prev=2 vs=#b#n2 cause=network'),
        'sent after flush': ('a', 'flush view=2', 'flush view=2\nsend seq=3 view=2'),
        'an error': ('b', 'end sent=0 back=0', 'error receive -8'),
        'incomplete end': ('a', 'end sent=2 back=2', 'end sent=2 back=1'),
    }
    d = tempfile.mkdtemp()

    def run(logs):
        paths = []
        for name, lines in logs.items():
            p = os.path.join(d, name)
            with open(p, 'w') as f:
                f.write('\n'.join(lines) + '\n')
            paths.append(p)
        bad, _, _, _ = check([parse(p) for p in paths])
        return bad

    fails = 0
    if run(clean):
        print("selftest: FAIL the clean history did not pass:", dict(run(clean)))
        fails += 1
    for what, (who, old, new) in mutants.items():
        logs = {k: list(v) for k, v in clean.items()}
        i = logs[who].index(old)
        if new is None:
            del logs[who][i]
        else:
            logs[who][i:i + 1] = new.split('\n')
        if not run(logs):
            print(f"selftest: FAIL not caught: {what}")
            fails += 1
        else:
            print(f"selftest: ok caught: {what}")
    return 1 if fails else 0


if __name__ == '__main__':
    if sys.argv[1:] == ['--selftest']:
        sys.exit(selftest())
    if len(sys.argv) < 2:
        print("usage: flush_check.py LOG... | --selftest", file=sys.stderr)
        sys.exit(2)
    sys.exit(report([parse(p) for p in sys.argv[1:]]))
