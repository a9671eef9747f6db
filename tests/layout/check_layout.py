#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The folder layout is the architecture (docs/architecture.md); this keeps
it true. Each rule names the file and line that breaks it.

  1. A process folder (dataplane/ ordod, ctrl/ ordo-ctrld, client/ libordo,
     app/ the tools) includes nothing from another process folder: what two
     processes share lives in the shared tier, lib/.
  2. lib/ includes only lib/ and the public headers (include/): the shared
     tier needs no process, no engine and no group layer. engine/ includes
     only itself and include/; groups/ adds the engine and lib/spread.
  3. A private header (NAME_impl.h) is included only from its own folder
     (and that folder's subfolders); nothing outside engine/ includes
     engine/engine_impl.h, for instance. One private-header suffix:
     no *_int.h or *_internal.h.
  4. One include style: every project include is quoted and spelled from
     one of the two include roots, the repository root or include/ (the
     public headers, as installed: "ordo/ordo.h", "sp.h").
Usage: check_layout.py [SOURCE_ROOT]; exit 1 on any violation."""
import os
import re
import sys

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                       os.path.join(os.path.dirname(__file__), '..', '..'))
PROCESS = ('dataplane', 'ctrl', 'client', 'app')
ALLOWED = {  # top folder -> the top folders it may include from
    'engine': {'engine'},
    'groups': {'groups', 'engine', 'lib/spread'},
    'lib': {'lib'},
}
SOURCE = re.compile(r'\.(c|h|cc|inc)$')
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^">]+)[">]')
SYSTEM_OK = re.compile(r'^[a-z0-9_]+(/[a-z0-9_]+)*\.h$')


def sources():
    for d, dirs, files in os.walk(ROOT):
        rel = os.path.relpath(d, ROOT)
        dirs[:] = [x for x in dirs if not x.startswith('.') and
                   not (rel == '.' and x.startswith('build'))]
        for f in files:
            if SOURCE.search(f):
                yield os.path.normpath(os.path.join(rel, f))


def top(path):
    return path.split(os.sep)[0]


def allowed(src, inc):
    """May src (a path from the root) include inc (a root path)?"""
    t = top(src)
    if inc.startswith('include/'):
        return True
    if t in PROCESS:
        return top(inc) not in PROCESS or top(inc) == t
    if t in ALLOWED:
        return any(inc == a or inc.startswith(a + '/') for a in ALLOWED[t])
    return True  # tests/, bench/: may reach what they test


def main():
    bad = []
    for src in sorted(sources()):
        name = os.path.basename(src)
        if re.search(r'_(int|internal)\.h$', name):
            bad.append(f'{src}: private headers are named *_impl.h')
        with open(os.path.join(ROOT, src), encoding='utf-8',
                  errors='replace') as f:
            for n, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                bracket, inc = m.groups()
                close = '"' if bracket == '"' else '>'
                at = f'{src}:{n}: #include {bracket}{inc}{close}'
                in_root = os.path.isfile(os.path.join(ROOT, inc))
                in_public = os.path.isfile(os.path.join(ROOT, 'include', inc))
                if bracket == '<':
                    if in_root or in_public:
                        bad.append(f'{at}: a project header, quote it')
                    continue
                if not (in_root or in_public):
                    bad.append(f'{at}: spell it from the repository root '
                               'or include/')
                    continue
                path = inc if in_root else 'include/' + inc
                if not allowed(src, path):
                    bad.append(f'{at}: {top(src)}/ may not include '
                               f'{top(path)}/ (shared code goes in lib/)')
                if path.endswith('_impl.h'):
                    home = os.path.dirname(path)
                    if not (src.startswith(home + os.sep)):
                        bad.append(f'{at}: a private header of {home}/')
    for b in bad:
        print('layout:', b)
    print(f'layout: {"ok" if not bad else "FAILED"}, {len(bad)} violation(s)')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
