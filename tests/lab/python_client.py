#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The Python client of tests/lab/python-check.sh, on the binding
(bindings/python/ordo). Speaks cc_client's payload (tests/lab/clients/
cc_client.c): its sender's private group (32 bytes), a sequence number, the
length and an FNV-1a checksum of the filler, so each side verifies the
other's bytes.

    python_client.py --socket S --name N --group G --members M
                     --count K --expect E [--size B]

Joins G; once a regular view of G has M members, sends K messages (the
service cycling through all six, every 10th 3000 bytes: fragmented at MTU
1500), receiving meanwhile; stops when E messages to G have arrived.
Prints, one line each: "connected NAME", "view members=..", then
"msg from=S svc=N id=S:SEQ ok=1|0" per message, then "done received=E".
"""
import argparse
import struct
import sys
import time

import ordo

HDR = struct.Struct('=32sIIQ')  # struct payload of cc_client.c


def checksum(b):
    h = 1469598103934665603
    for x in b:
        h = ((h ^ x) * 1099511628211) & 0xffffffffffffffff
    return h


def payload(me, seq, size):
    size = max(size, HDR.size)
    filler = bytes(((seq * 31 + i) & 0xff) for i in range(HDR.size, size))
    return HDR.pack(me.encode(), seq, size, checksum(filler)) + filler


def verify(data):
    if len(data) < HDR.size:
        return '?:0', False
    sender, seq, n, s = HDR.unpack_from(data)
    sender = sender.split(b'\0', 1)[0].decode(errors='replace')
    return '%s:%u' % (sender, seq), \
        n == len(data) and s == checksum(data[HDR.size:])


def main():
    ap = argparse.ArgumentParser()
    for a in ('socket', 'name', 'group'):
        ap.add_argument('--' + a, required=True)
    for a in ('members', 'count', 'expect'):
        ap.add_argument('--' + a, type=int, required=True)
    ap.add_argument('--size', type=int, default=200)
    ap.add_argument('--timeout', type=float, default=60)
    o = ap.parse_args()
    services = list(ordo.Service)
    c = ordo.Client(o.socket, o.name)
    print('connected', c.private_group, flush=True)
    c.join(o.group)
    received = sent = 0
    ready = False
    deadline = time.monotonic() + o.timeout

    def handle(ev):
        nonlocal received, ready
        if isinstance(ev, ordo.Membership) and ev.group == o.group:
            if ev.regular:
                print('view cause=%s members=%s' % (ev.cause.value,
                                                   ','.join(ev.members)),
                      flush=True)
                ready = ready or len(ev.members) >= o.members
        elif isinstance(ev, ordo.Message) and o.group in ev.groups:
            ident, ok = verify(ev.data)
            print('msg from=%s svc=%d id=%s ok=%d' % (
                ev.sender, ev.service, ident, ok), flush=True)
            received += 1
        elif isinstance(ev, ordo.Reject):
            print('reject error=%s' % ev.error_name, flush=True)

    while received < o.expect:
        if time.monotonic() > deadline:
            print('timeout: received %d of %d, sent %d of %d' % (
                received, o.expect, sent, o.count), flush=True)
            return 1
        if ready and sent < o.count:
            sent += 1
            size = 3000 if sent % 10 == 0 else o.size
            c.multicast(o.group, payload(c.private_group, sent, size),
                        services[sent % len(services)])
            ev = c.poll()
        else:
            try:
                ev = c.receive(0.5)
            except ordo.Timeout:
                continue
        if ev is not None:
            handle(ev)
    print('done received=%d' % received, flush=True)
    c.close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
