# SPDX-License-Identifier: BSD-3-Clause
"""Client: one session with the local ordo daemon (libordo's ordo_client).

A Client is not thread-safe, like the handle under it: use one per thread,
or lock around it. Blocking calls release the GIL (ctypes does), so other
threads run while one waits in receive().
"""
import ctypes

from ordo import _lib
from ordo.errors import BadName, SessionClosed, WouldBlock, error
from ordo.events import Service, decode

_lib_ = _lib.lib


def _ms(timeout):
    """Seconds (None: forever) -> libordo's milliseconds (-1: forever)."""
    if timeout is None:
        return -1
    if timeout < 0:
        raise ValueError('timeout must be None or >= 0 seconds')
    return min(int(timeout * 1000 + 0.999), 0x7fffffff)


def _name(group):
    b = group.encode() if isinstance(group, str) else bytes(group)
    if not b or len(b) >= _lib.NAME_LEN or b'\0' in b:
        raise BadName(detail='group %r' % (group,))
    return b


class Client:
    """A connection to the daemon at socket_path (None: $ORDO_SOCKET, else
    /run/ordo/ordo.sock). name: the private name (1..10 characters), None
    for one the library makes up. membership: receive membership events.
    timeout: seconds to wait for the daemon's welcome (None: forever)."""

    def __init__(self, socket_path=None, name=None, membership=True,
                 timeout=5.0):
        self._c = ctypes.c_void_p()
        self._ev = _lib.Event()
        self._buf = ctypes.create_string_buffer(64 * 1024)
        flags = _lib.CONNECT_MEMBERSHIP if membership else 0
        rc = _lib_.ordo_connect(
            socket_path.encode() if isinstance(socket_path, str) else socket_path,
            name.encode() if isinstance(name, str) else name,
            flags, _ms(timeout), ctypes.byref(self._c))
        if rc < 0:
            self._c = None
            raise error(rc, 'connect to %s' % (socket_path or 'the daemon'))

    # --- the session ----------------------------------------------------
    def _handle(self):
        if not self._c:
            raise SessionClosed(detail='the client was closed',
                                reason='client-closed')
        return self._c

    def _check(self, rc, what):
        if rc >= 0:
            return rc
        if rc == _lib.ERR['CLOSED'] and self._c:
            raise SessionClosed(rc, what, reason=self.close_reason)
        raise error(rc, what)

    @property
    def private_group(self):
        """"#name#daemon": the group that reaches this client alone."""
        return _lib_.ordo_private_group(self._handle()).decode()

    @property
    def daemon_name(self):
        return _lib_.ordo_daemon_name(self._handle()).decode()

    @property
    def close_reason(self):
        """Why the session closed ('slow-consumer', 'daemon-exit', ...),
        once a call raised SessionClosed; None before."""
        if not self._c or _lib_.ordo_close_reason(self._c) == 0:
            return None
        return _lib_.ordo_close_reason_name(self._c).decode()

    def close(self):
        """Leave every group and disconnect. Idempotent."""
        if self._c:
            c, self._c = self._c, None
            _lib_.ordo_disconnect(c)

    def kill(self):
        """Close without a goodbye, as if the process had died."""
        if self._c:
            c, self._c = self._c, None
            _lib_.ordo_kill(c)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown: the library may be gone
            pass

    # --- groups -----------------------------------------------------------
    def join(self, group):
        self._check(_lib_.ordo_join(self._handle(), _name(group)),
                    'join %s' % group)

    def leave(self, group):
        self._check(_lib_.ordo_leave(self._handle(), _name(group)),
                    'leave %s' % group)

    # --- sending ----------------------------------------------------------
    def multicast(self, groups, data, service=Service.AGREED, msg_type=0,
                  self_discard=False, block=True):
        """Send data (bytes-like) to a group or to several at once (a
        member of several gets it once). Blocks while the submit ring is
        full, unless block=False: then WouldBlock. Returns the bytes sent."""
        if isinstance(groups, (str, bytes)):
            groups = [groups]
        names = [_name(g) for g in groups]
        if not names:
            raise BadName(detail='no group')
        svc = int(service) | (_lib.SELF_DISCARD if self_discard else 0)
        mv = memoryview(data).cast('B')
        if not mv.readonly and mv.nbytes:
            # No copy of a writable buffer (bytearray, array, mmap).
            buf = (ctypes.c_char * mv.nbytes).from_buffer(mv)
        else:  # bytes are passed as they are; other read-only views copied
            buf = ctypes.c_char_p(data if isinstance(data, bytes)
                                  else mv.tobytes())
        base = ctypes.cast(buf, ctypes.c_void_p)
        c = self._handle()
        if len(names) == 1 and block:
            rc = _lib_.ordo_multicast(c, svc, names[0], msg_type, base,
                                      mv.nbytes)
        else:
            arr = (ctypes.c_char * _lib.NAME_LEN * len(names))()
            for i, n in enumerate(names):
                arr[i].value = n
            iov = _lib.IOVec(base, mv.nbytes)
            fn = _lib_.ordo_multicastv if block else _lib_.ordo_try_multicastv
            rc = fn(c, svc, len(names), arr, msg_type, ctypes.byref(iov), 1)
        del buf
        return self._check(rc, 'multicast to %s' % ','.join(
            n.decode() for n in names))

    def max_message(self, groups):
        """The largest payload multicast() takes to these groups (the
        daemon's MaxMessageSize less the header each message carries);
        larger ones raise TooBig and nothing is sent."""
        if isinstance(groups, (str, bytes)):
            groups = [groups]
        names = [_name(g) for g in groups]
        arr = (ctypes.c_char * _lib.NAME_LEN * max(len(names), 1))()
        for i, n in enumerate(names):
            arr[i].value = n
        return self._check(_lib_.ordo_max_message(self._handle(), len(names),
                                                  arr), 'max_message')

    # --- receiving --------------------------------------------------------
    def receive(self, timeout=None):
        """The next event: a Message, a Membership or a Reject. Waits up to
        timeout seconds (None: as long as it takes; 0: not at all) and
        raises Timeout (WouldBlock for 0) when nothing came."""
        c = self._handle()
        while True:
            rc = _lib_.ordo_receive(c, ctypes.byref(self._ev), self._buf,
                                    len(self._buf), _ms(timeout))
            if rc != _lib.ERR['BUFFER']:
                break
            # The event stays queued; len says how much room it needs.
            self._buf = ctypes.create_string_buffer(
                max(self._ev.len, 2 * len(self._buf)))
        self._check(rc, 'receive')
        ev = self._ev
        names = tuple(
            ctypes.string_at(ev.groups + i * _lib.NAME_LEN).decode(
                errors='replace') for i in range(ev.n_groups))
        return decode(ev, names)

    def poll(self):
        """The next event if one is waiting, else None (never blocks)."""
        try:
            return self.receive(0)
        except WouldBlock:
            return None

    def pending(self):
        """Bytes needed to receive the next event, 0 if none is waiting."""
        return self._check(_lib_.ordo_pending(self._handle()), 'pending')

    def __iter__(self):
        """Events as they come, until the session closes."""
        while True:
            try:
                yield self.receive()
            except SessionClosed:
                return

    # --- event loops ------------------------------------------------------
    def fileno(self):
        """A descriptor for select, poll or asyncio: readable when an event
        may be waiting, provided arm() was called after the last poll() or
        receive() that found nothing."""
        return self._check(_lib_.ordo_fd(self._handle()), 'fileno')

    def arm(self):
        """Ask to be woken through fileno(). True if an event is already
        waiting (receive it instead of sleeping), False once armed."""
        return self._check(_lib_.ordo_arm(self._handle()), 'arm') == 1
