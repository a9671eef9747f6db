# SPDX-License-Identifier: BSD-3-Clause
"""What Client.receive() returns: a Message, a Membership or a Reject."""
import ctypes
import enum
import struct
from dataclasses import dataclass
from typing import Tuple

from ordo import _lib


class Service(enum.IntEnum):
    """enum ordo_service_type: one delivery guarantee per message."""
    UNRELIABLE = 1
    RELIABLE = 2
    FIFO = 3
    CAUSAL = 4
    AGREED = 5  # one total order for every receiver
    SAFE = 6    # total order, delivered once every member holds it


class Cause(enum.Enum):
    """Why a group's membership changed."""
    JOIN = 'join'
    LEAVE = 'leave'
    DISCONNECT = 'disconnect'
    NETWORK = 'network'
    TRANSITIONAL = 'transitional'  # a transitional view before a NETWORK one
    SELF_LEAVE = 'self-leave'      # we left: the last event of the group


def _service(value):
    try:
        return Service(value & 0xff)
    except ValueError:
        return value


@dataclass(frozen=True)
class Message:
    """A multicast, in the order every member of its groups sees."""
    sender: str               # the sender's private group "#name#daemon"
    groups: Tuple[str, ...]   # where it was sent
    data: bytes
    service: Service
    msg_type: int             # the sender's tag
    seq: int                  # the daemon's delivery number


@dataclass(frozen=True)
class Membership:
    """A group's new membership (a view)."""
    group: str
    members: Tuple[str, ...]  # private group names, in the group's order
    cause: Cause
    changed: str              # who joined, left or disconnected ('' else)
    gid: Tuple[int, int, int] # the view's id
    vs_sets: Tuple[Tuple[str, ...], ...]  # members by the view they came from
    my_vs_set: int            # index of ours in vs_sets, -1 if none
    my_index: int             # our place in members
    service: int              # the ORDO_MEMB_* bits
    body: bytes               # Spread's membership body (sp.h)
    seq: int

    @property
    def regular(self):
        return bool(self.service & _lib.MEMB_REGULAR)

    @property
    def transitional(self):
        return bool(self.service & _lib.MEMB_TRANSITIONAL)


@dataclass(frozen=True)
class Reject:
    """A message of ours that the daemon refused, and why."""
    groups: Tuple[str, ...]
    data: bytes
    service: Service
    msg_type: int
    error: int                # the negative libordo code
    error_name: str           # e.g. ORDO_ERR_ACCESS
    seq: int


def _cause(service):
    if service & _lib.MEMB_TRANSITIONAL:
        return Cause.TRANSITIONAL
    if not service & _lib.MEMB_REGULAR and service & _lib.MEMB_LEAVE:
        return Cause.SELF_LEAVE
    for bit, cause in ((_lib.MEMB_JOIN, Cause.JOIN),
                       (_lib.MEMB_LEAVE, Cause.LEAVE),
                       (_lib.MEMB_DISCONNECT, Cause.DISCONNECT),
                       (_lib.MEMB_NETWORK, Cause.NETWORK)):
        if service & bit:
            return cause
    return Cause.NETWORK


def _vs_sets(body):
    """Spread's membership body (include/sp.h): gid (3 x int32), the number
    of virtual-synchrony sets, the offset of ours (from byte 20), then each
    set as a count and that many 32-byte names. Returns (sets, index of
    ours or -1). A body that does not hold what it claims ends the list:
    whatever is read is inside the body."""
    sets, mine = [], -1
    if len(body) < 20:
        return (), mine
    n_sets, my_off = struct.unpack_from('=II', body, 12)
    off = 20
    for i in range(n_sets):
        if off + 4 > len(body):
            break
        if off - 20 == my_off:
            mine = i
        (n,) = struct.unpack_from('=I', body, off)
        end = off + 4 + n * _lib.NAME_LEN
        if end > len(body):
            break
        sets.append(tuple(_name(body[off + 4 + k * _lib.NAME_LEN:
                                     off + 4 + (k + 1) * _lib.NAME_LEN])
                          for k in range(n)))
        off = end
    return tuple(sets), mine


def _name(raw):
    return raw.split(b'\0', 1)[0].decode(errors='replace')


def decode(ev, names):
    """An Event as filled by ordo_receive -> Message, Membership or Reject."""
    data = ctypes.string_at(ev.data, ev.len) if ev.len else b''
    if ev.kind == _lib.EV_MEMBERSHIP:
        cause = _cause(ev.service)
        sets, mine = _vs_sets(data) if ev.service & _lib.MEMB_REGULAR \
            else ((), -1)
        changed = ''
        if cause in (Cause.JOIN, Cause.LEAVE, Cause.DISCONNECT) and \
                len(sets) == 1 and len(sets[0]) == 1:
            changed = sets[0][0]
        return Membership(group=ev.sender.decode(errors='replace'),
                          members=names, cause=cause, changed=changed,
                          gid=tuple(ev.gid), vs_sets=sets, my_vs_set=mine,
                          my_index=ev.msg_type, service=ev.service,
                          body=data, seq=ev.seq)
    if ev.kind == _lib.EV_REJECT:
        return Reject(groups=names, data=data, service=_service(ev.service),
                      msg_type=ev.msg_type, error=ev.error,
                      error_name=_lib.ERRORS.get(ev.error, str(ev.error)),
                      seq=ev.seq)
    return Message(sender=ev.sender.decode(errors='replace'), groups=names,
                   data=data, service=_service(ev.service),
                   msg_type=ev.msg_type, seq=ev.seq)
