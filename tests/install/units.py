#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The installed systemd units name what this build installs.

Every ordo program a unit runs (Exec*), the configuration it passes
(ORDO_CONFIG) and the documentation it points at (file://) must be where
`meson install` puts them, for this build's prefix, bindir, sbindir and
sysconfdir: a unit that starts /usr/bin/ordod while meson installs
/usr/local/sbin/ordod fails here, not on a host.

Usage: units.py BUILD_DIR (reads meson-info/intro-installed.json)."""
import glob
import json
import os
import re
import sys

build = sys.argv[1]
with open(os.path.join(build, 'meson-info', 'intro-installed.json')) as f:
    installed = set(json.load(f).values())
OURS = re.compile(r'/(ordod|ordo-ctrld|ordoctl|ordo-user|ordo-perf)$')
units = sorted(glob.glob(os.path.join(build, 'config', '*.service')))
bad, checked = [], 0
if len(units) != 4:
    bad.append('expected 4 units in %s/config, found %d' % (build, len(units)))
for u in units:
    name = os.path.basename(u)
    if not any(d.endswith('/' + name) for d in installed):
        bad.append('%s: not installed' % name)
    with open(u) as f:
        text = f.read()
    if '@' in re.sub(r'(ordod|ordo-ctrld)@|%i|@\.service', '', text):
        bad.append('%s: a placeholder was not filled in' % name)
    for key, val in re.findall(r'^(\w+)=(.*)$', text, re.M):
        paths = []
        if key.startswith('Exec'):
            prog = val.split()[0]
            if OURS.search(prog):
                paths.append(prog)
        elif key == 'Environment' and val.startswith('ORDO_CONFIG='):
            paths.append(val.split('=', 1)[1])
        elif key == 'Documentation':
            paths += [p[len('file://'):] for p in val.split()
                      if p.startswith('file://')]
        for p in paths:
            checked += 1
            if p not in installed:
                bad.append('%s: %s=%s, but meson installs no %s' %
                           (name, key, val, p))
for b in bad:
    print('FAIL', b)
if not bad and checked < 6:
    bad.append('only %d paths checked' % checked)
    print('FAIL', bad[-1])
if not bad:
    print('ok   %d units, %d paths, each installed by this build' %
          (len(units), checked))
sys.exit(1 if bad else 0)
