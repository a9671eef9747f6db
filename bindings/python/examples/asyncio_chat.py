#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""An ordo client in an asyncio loop: the client's fileno() is watched by
the loop (add_reader), so one thread serves the ring and anything else.

    asyncio_chat.py [--socket PATH] [--name NAME] [--count N] GROUP

Joins GROUP, sends N numbered messages (agreed order) from a coroutine
while another receives, and prints each event as it arrives; stops once
its own N messages came back, so it also runs as a test.
"""
import argparse
import asyncio
import sys

import ordo


class AsyncClient:
    """Events of an ordo.Client as an asyncio queue."""

    def __init__(self, client, loop):
        self.client = client
        self.events = asyncio.Queue()
        loop.add_reader(client.fileno(), self._readable)
        self._readable()  # whatever came before the reader was added

    def _readable(self):
        # Take everything waiting; then arm the descriptor. arm() says
        # True when an event slipped in meanwhile: take that too, so no
        # event waits for a wake-up that will not come.
        while True:
            ev = self.client.poll()
            if ev is not None:
                self.events.put_nowait(ev)
            elif not self.client.arm():
                return

    async def receive(self):
        return await self.events.get()


async def main(args):
    loop = asyncio.get_running_loop()
    with ordo.Client(args.socket, args.name) as c:
        ac = AsyncClient(c, loop)
        c.join(args.group)

        async def send():
            for i in range(args.count):
                c.multicast(args.group, b'message %d' % i)
                await asyncio.sleep(0)  # let the receiver run

        sender = asyncio.create_task(send())
        mine = 0
        while mine < args.count:
            ev = await asyncio.wait_for(ac.receive(), args.timeout)
            if isinstance(ev, ordo.Message):
                print('msg from=%s seq=%d data=%s' % (ev.sender, ev.seq,
                                                     ev.data.decode()))
                if ev.sender == c.private_group:
                    if ev.data != b'message %d' % mine:
                        print('out of order: %r' % ev.data)
                        return 1
                    mine += 1
            elif isinstance(ev, ordo.Membership):
                print('memb group=%s cause=%s members=%s' % (
                    ev.group, ev.cause.value, ','.join(ev.members)))
        await sender
        loop.remove_reader(c.fileno())
    print('asyncio_chat: ok %d messages' % args.count)
    return 0


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--socket', help='the daemon\'s client socket')
    ap.add_argument('--name', help='private name (1..10 characters)')
    ap.add_argument('--count', type=int, default=10)
    ap.add_argument('--timeout', type=float, default=10)
    ap.add_argument('group')
    sys.exit(asyncio.run(main(ap.parse_args())))
