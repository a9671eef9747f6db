#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The Python binding (bindings/python/ordo) against the fake daemon
(tests/libordo/fake_ordod: echoes each message to its sender, answers a
join with a membership, a message to "reject" with a REJECT).

Environment (tests/python/meson.build sets it): FAKE_ORDOD, the fake
daemon; ORDO_LIBRARY, the libordo.so under test; ORDO_HEADER, ordo.h;
ORDO_EXAMPLE, the asyncio example. Run: meson test --suite python."""
import os
import re
import select
import subprocess
import sys
import time
import unittest

import ordo
from ordo import _lib


class FakeDaemon:
    def __init__(self):
        self.p = subprocess.Popen([os.environ['FAKE_ORDOD']],
                                  stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        self.path = self.p.stdout.readline().strip()
        if not self.path:
            raise RuntimeError('the fake daemon did not start')

    def stop(self):
        self.p.stdin.close()
        self.p.wait(10)
        self.p.stdout.close()


class Binding(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fake = FakeDaemon()

    @classmethod
    def tearDownClass(cls):
        cls.fake.stop()

    def client(self, name=None, **kw):
        c = ordo.Client(self.fake.path, name, **kw)
        self.addCleanup(c.close)
        return c

    def test_connect(self):
        c = self.client('alice')
        self.assertEqual(c.private_group, '#alice#fake')
        self.assertEqual(c.daemon_name, 'fake')
        self.assertIsNone(c.close_reason)
        anon = self.client()
        self.assertTrue(anon.private_group.startswith('#anon'))

    def test_join_membership(self):
        c = self.client('memb')
        c.join('grp')
        ev = c.receive(5)
        self.assertIsInstance(ev, ordo.Membership)
        self.assertEqual(ev.group, 'grp')
        self.assertEqual(ev.members, ('#memb#fake',))
        self.assertIs(ev.cause, ordo.Cause.JOIN)
        self.assertEqual(ev.changed, '#memb#fake')
        self.assertTrue(ev.regular)
        self.assertFalse(ev.transitional)
        self.assertEqual(ev.my_index, 0)
        self.assertEqual(ev.vs_sets, (('#memb#fake',),))
        self.assertEqual(len(ev.gid), 3)
        c.leave('grp')
        ev = c.receive(5)
        self.assertIs(ev.cause, ordo.Cause.SELF_LEAVE)
        self.assertEqual(ev.group, 'grp')

    def test_many_members(self):
        # The fake adds FAKE_MANY_MEMBERS (40) members to "many*" groups.
        c = self.client('many')
        c.join('many1')
        ev = c.receive(5)
        self.assertEqual(len(ev.members), 41)
        self.assertEqual(len(set(ev.members)), 41)
        self.assertEqual(ev.members[-1], '#many#fake')
        self.assertEqual(ev.my_index, 40)

    def test_no_membership(self):
        c = self.client('nomemb', membership=False)
        c.join('quiet')
        c.multicast('quiet', b'only this')
        ev = c.receive(5)
        self.assertIsInstance(ev, ordo.Message)
        self.assertEqual(ev.data, b'only this')

    def test_multicast_every_service(self):
        c = self.client('svc', membership=False)
        last = 0
        for i, svc in enumerate(ordo.Service):
            payload = bytes([i]) * (i + 1) + b'\0tail'
            self.assertEqual(c.multicast('g', payload, svc, msg_type=-i),
                             len(payload))
            ev = c.receive(5)
            self.assertIsInstance(ev, ordo.Message)
            self.assertEqual(ev.data, payload)
            self.assertIs(ev.service, svc)
            self.assertEqual(ev.msg_type, -i)
            self.assertEqual(ev.sender, '#svc#fake')
            self.assertEqual(ev.groups, ('g',))
            self.assertGreater(ev.seq, last)
            last = ev.seq

    def test_several_groups_and_buffers(self):
        c = self.client('multi', membership=False)
        for data in (bytearray(b'writable'), memoryview(b'0123456789')[2:6],
                     b'', b'x' * 3):
            n = c.multicast(['a', 'b', 'c'], data)
            self.assertEqual(n, len(bytes(data)))
            ev = c.receive(5)
            self.assertEqual(ev.groups, ('a', 'b', 'c'))
            self.assertEqual(ev.data, bytes(data))
        self.assertEqual(c.multicast(['a'], b'nb', block=False), 2)
        self.assertEqual(c.receive(5).data, b'nb')

    def test_large_message_grows_the_buffer(self):
        c = self.client('big', membership=False)
        data = bytes(range(256)) * 1200  # 300 KiB: past the 64 KiB buffer
        c.multicast('g', data)
        deadline = time.monotonic() + 10
        while c.pending() == 0 and time.monotonic() < deadline:
            if not c.arm():
                select.select([c.fileno()], [], [], 0.1)
        self.assertGreater(c.pending(), 64 * 1024)
        ev = c.receive(10)
        self.assertEqual(len(ev.data), len(data))
        self.assertEqual(ev.data, data)
        self.assertEqual(c.pending(), 0)

    def test_max_message(self):
        c = self.client('max', membership=False)
        one = c.max_message('g')
        self.assertGreater(one, 0)
        # Each group name costs 1 + its length in the message's header.
        self.assertEqual(c.max_message(['g', 'hh']), one - 3)
        self.assertEqual(c.max_message(['x'] * 255), one - 254 * 2)
        with self.assertRaises(ordo.TooManyGroups):
            c.max_message(['x'] * 256)
        with self.assertRaises(ordo.TooManyGroups):
            c.multicast(['x'] * 256, b'too many')

    def test_self_discard(self):
        c = self.client('disc', membership=False)
        c.multicast('g', b'not back', self_discard=True)
        c.multicast('g', b'back')
        self.assertEqual(c.receive(5).data, b'back')

    def test_timeout_and_poll(self):
        c = self.client('tmo', membership=False)
        with self.assertRaises(ordo.Timeout) as cm:
            c.receive(0.05)
        self.assertEqual(cm.exception.code, -5)
        self.assertEqual(cm.exception.name, 'ORDO_ERR_TIMEOUT')
        self.assertIsInstance(cm.exception, TimeoutError)
        self.assertIsNone(c.poll())
        with self.assertRaises(ordo.WouldBlock) as cm:
            c.receive(0)
        self.assertEqual(cm.exception.name, 'ORDO_ERR_AGAIN')
        with self.assertRaises(ValueError):
            c.receive(-1)

    def test_reject(self):
        c = self.client('rej', membership=False)
        c.multicast('reject', b'refused', ordo.Service.SAFE, msg_type=3)
        ev = c.receive(5)
        self.assertIsInstance(ev, ordo.Reject)
        self.assertLess(ev.error, 0)
        self.assertEqual(ev.error_name, _lib.ERRORS[ev.error])
        self.assertEqual(ev.groups, ('reject',))

    def test_fileno_select(self):
        c = self.client('fd', membership=False)
        fd = c.fileno()
        self.assertFalse(c.arm())
        self.assertEqual(select.select([fd], [], [], 0)[0], [])
        c.multicast('g', b'wake')
        self.assertEqual(select.select([fd], [], [], 5)[0], [fd])
        self.assertEqual(c.poll().data, b'wake')
        self.assertIsNone(c.poll())
        self.assertEqual(select.select([fd], [], [], 0)[0], [])
        # Not armed: the daemon does not ring, and arm() says an event
        # waits. The echo may not be back yet: then arm() armed the
        # doorbell, and the daemon rings when it comes.
        c.multicast('g', b'quiet')
        if not c.arm():
            self.assertEqual(select.select([fd], [], [], 5)[0], [fd])
        self.assertEqual(c.poll().data, b'quiet')
        self.assertFalse(c.arm())

    def test_errors(self):
        with self.assertRaises(ordo.ConnectFailed) as cm:
            ordo.Client('/nonexistent/ordo.sock', 'x', timeout=1)
        self.assertEqual(cm.exception.code, -2)
        self.assertEqual(cm.exception.name, 'ORDO_ERR_CONNECT')
        self.assertIsInstance(cm.exception, ordo.OrdoError)
        with self.assertRaises(ordo.BadName):  # libordo's name rules
            ordo.Client(self.fake.path, 'has#hash')
        with self.assertRaises(ordo.BadName):
            ordo.Client(self.fake.path, 'elevenchars')
        c = self.client('err', membership=False)
        with self.assertRaises(ordo.BadName):
            c.join('g' * 32)
        with self.assertRaises(ordo.BadName):
            c.multicast([], b'')
        with self.assertRaises(ordo.BadService):
            c.multicast('g', b'x', service=99)

    def test_closed(self):
        with ordo.Client(self.fake.path, 'ctx') as c:
            c.join('g')
        with self.assertRaises(ordo.SessionClosed) as cm:
            c.join('g')
        self.assertEqual(cm.exception.code, -3)
        c.close()  # again: nothing

    def test_daemon_exit(self):
        fake = FakeDaemon()
        c = ordo.Client(fake.path, 'gone', membership=False)
        self.addCleanup(c.close)
        fake.stop()
        with self.assertRaises(ordo.SessionClosed) as cm:
            c.receive(5)
        self.assertEqual(c.close_reason, 'daemon-exit')
        self.assertEqual(cm.exception.reason, 'daemon-exit')
        self.assertEqual(list(c), [])  # iteration ends at the close

    def test_asyncio_example(self):
        out = subprocess.run(
            [sys.executable, os.environ['ORDO_EXAMPLE'], '--socket',
             self.fake.path, '--name', 'aio', '--count', '50', 'chat'],
            capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn('asyncio_chat: ok 50 messages', out.stdout)
        self.assertEqual(out.stdout.count('msg from=#aio#fake'), 50)


class Constants(unittest.TestCase):
    """The binding's numbers are ordo.h's."""

    def test_against_header(self):
        with open(os.environ['ORDO_HEADER'], encoding='utf-8') as f:
            h = f.read()
        errs = dict(re.findall(r'\b(ORDO_ERR_\w+)\s*=\s*(-\d+)', h))
        self.assertEqual(len(errs), 17)
        self.assertEqual({n: int(v) for n, v in errs.items()},
                         {n: c for c, n in _lib.ERRORS.items()})
        for n, v in re.findall(r'\bORDO_(UNRELIABLE|RELIABLE|FIFO|CAUSAL|'
                               r'AGREED|SAFE)\s*=\s*(\d+)', h):
            self.assertEqual(ordo.Service[n], int(v))
        defines = {n: int(v, 0) for n, v in
                   re.findall(r'#define (ORDO_\w+)\s+(0x[0-9a-fA-F]+|\d+)', h)}
        self.assertEqual(defines['ORDO_NAME_LEN'], _lib.NAME_LEN)
        self.assertEqual(defines['ORDO_MAX_GROUPS'], _lib.MAX_GROUPS)
        self.assertEqual(defines['ORDO_SELF_DISCARD'], _lib.SELF_DISCARD)
        self.assertEqual(defines['ORDO_CONNECT_MEMBERSHIP'],
                         _lib.CONNECT_MEMBERSHIP)
        for m in ('REGULAR', 'TRANSITIONAL', 'JOIN', 'LEAVE', 'DISCONNECT',
                  'NETWORK'):
            self.assertEqual(defines['ORDO_MEMB_' + m],
                             getattr(_lib, 'MEMB_' + m))
        kinds = dict(re.findall(r'\bORDO_EV_(\w+)\s*=\s*(\d+)', h))
        self.assertEqual((int(kinds['MESSAGE']), int(kinds['MEMBERSHIP']),
                          int(kinds['REJECT'])),
                         (_lib.EV_MESSAGE, _lib.EV_MEMBERSHIP, _lib.EV_REJECT))
        for code, name in _lib.ERRORS.items():
            e = ordo.errors.error(code)
            self.assertEqual((e.code, e.name), (code, name))


if __name__ == '__main__':
    unittest.main(verbosity=2)
