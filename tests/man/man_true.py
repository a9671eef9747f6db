#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The manual pages stay true to the code (tests/man/meson.build).

  man_true.py options [--commands] PAGE -- PROGRAM ARGS...
      PROGRAM ARGS prints its help. Every option it lists (the left column
      of its option lines, and the [-x] of its usage line) must be an entry
      of PAGE's OPTIONS section, and every entry there an option of the
      program (-h is allowed when the program accepts it). With --commands
      the same for its commands (lines "  word ...") and the page's
      COMMANDS section.
  man_true.py conf PAGE conf_keys.c
      Every key of the configuration's key table is named in bold in PAGE.
  man_true.py lib PAGE libordo.map ordo.h
      Every exported symbol and every ORDO_ERR_ code is named in bold.
Prints what is missing and exits 1, or one "ok" line."""
import re
import shutil
import subprocess
import sys

OPT = re.compile(r'(?:^|[\s,\[])(--?[A-Za-z][\w-]*)')


def render(page):
    """The page as plain text, wide enough that entries do not wrap."""
    env = {'LC_ALL': 'C.UTF-8', 'MANWIDTH': '250', 'PATH': '/usr/bin:/bin'}
    if shutil.which('man'):
        out = subprocess.run(['man', '-l', page], env=env, check=True,
                             capture_output=True, text=True).stdout
    else:
        out = subprocess.run(['groff', '-man', '-Tutf8', '-rLL=250n',
                              '-P-cbou', page], env=env, check=True,
                             capture_output=True, text=True).stdout
    return re.sub(r'.\x08', '', out).replace('\u2010', '-').splitlines()


def section(lines, name):
    """Entry lines of a section: those at the first indentation level."""
    out, inside = [], False
    for ln in lines:
        if re.match(r'^[A-Z][A-Z ]*$', ln):
            inside = ln == name
            continue
        if inside and re.match(r'^ {7}\S', ln):
            out.append(ln.strip())
    return out


def help_of(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
    return p.stdout + p.stderr


def help_options(text):
    opts = set()
    for ln in text.splitlines():
        if ln.startswith('usage:'):
            opts |= set(re.findall(r'\[(--?[A-Za-z][\w-]*)', ln))
        elif re.match(r'^\s+-', ln):
            left = re.split(r'\s{2,}', ln.strip())[0]
            opts |= set(OPT.findall(left))
    return opts


def help_commands(text):
    return {m.group(1) for m in
            (re.match(r'^  ([a-z][\w-]*)(\s|$)', ln)
             for ln in text.splitlines()) if m}


def compare(what, code, page, allowed=()):
    bad = []
    for x in sorted(code - page):
        bad.append(f'{what} {x}: in the program, not in the page')
    for x in sorted(page - code - set(allowed)):
        bad.append(f'{what} {x}: in the page, not in the program')
    return bad


def cmd_options(args):
    commands = args[0] == '--commands'
    if commands:
        args = args[1:]
    page, sep, cmd = args[0], args[1], args[2:]
    assert sep == '--' and cmd, __doc__
    lines = render(page)
    text = help_of(cmd)
    code = help_options(text)
    if not code:
        return [f'no options found in the help of {cmd}: {text[:200]!r}']
    in_page = set()
    for ln in section(lines, 'OPTIONS'):
        if ln.startswith('-'):
            in_page |= set(OPT.findall(ln))
    allowed = []
    for h in ('-h', '--help'):
        if h not in code and subprocess.run(
                cmd[:-1] + [h], capture_output=True,
                timeout=20).returncode == 0:
            allowed.append(h)
    bad = compare('option', code, in_page, allowed)
    n = len(code)
    if commands:
        code_c = help_commands(text)
        page_c = {ln.split()[0] for ln in section(lines, 'COMMANDS')
                  if re.match(r'^[a-z]', ln)}
        if not code_c:
            bad.append('no commands found in the help')
        bad += compare('command', code_c, page_c)
        n += len(code_c)
    return bad or [f'ok   {page}: {n} options/commands, each in the page '
                   'and the program']


def bold_names(page):
    with open(page, encoding='utf-8') as f:
        roff = f.read()
    return set(re.findall(r'\\fB([^\\]+)\\f[RP]', roff))


def words_in_bold(page):
    names = set()
    for b in bold_names(page):
        names |= set(re.findall(r'[A-Za-z_][\w]*', b))
    return names


def cmd_conf(args):
    page, src = args
    with open(src, encoding='utf-8') as f:
        c = f.read()
    table = c[c.index('static const struct conf_key keys[]'):]
    keys = set(re.findall(r'\.name = "(\w+)"', table))
    keys |= set(re.findall(r'\b(?:U32|TMO|ONE|NOPE)\("(\w+)"', table))
    if len(keys) < 20:
        return [f'only {len(keys)} keys found in {src}: parser out of date']
    missing = sorted(keys - words_in_bold(page))
    return [f'key {k}: in {src}, not in bold in the page' for k in missing] \
        or [f'ok   {page}: all {len(keys)} configuration keys']


def cmd_lib(args):
    page, mapfile, header = args
    with open(mapfile, encoding='utf-8') as f:
        m = f.read()
    syms = set()
    for glob in re.findall(r'global:(.*?)(?:local:|\})', m, re.S):
        syms |= set(re.findall(r'^\s*(\w+);', glob, re.M))
    with open(header, encoding='utf-8') as f:
        errs = set(re.findall(r'\b(ORDO_ERR_\w+)\s*=', f.read()))
    if len(syms) < 20 or len(errs) < 10:
        return [f'found {len(syms)} symbols, {len(errs)} codes: parser out of date']
    have = words_in_bold(page)
    missing = sorted((syms | errs) - have)
    return [f'{x}: exported or declared, not in bold in the page'
            for x in missing] or \
        [f'ok   {page}: {len(syms)} symbols and {len(errs)} error codes']


def main():
    modes = {'options': cmd_options, 'conf': cmd_conf, 'lib': cmd_lib}
    if len(sys.argv) < 3 or sys.argv[1] not in modes:
        print(__doc__)
        return 2
    out = modes[sys.argv[1]](sys.argv[2:])
    print('\n'.join(out))
    return 0 if len(out) == 1 and out[0].startswith('ok') else 1


if __name__ == '__main__':
    sys.exit(main())
