# SPDX-License-Identifier: BSD-3-Clause
"""ordo: totally ordered group messaging, over libordo's native API.

    import ordo
    with ordo.Client(name='alice') as c:
        c.join('chat')
        c.multicast('chat', b'hello', ordo.Service.AGREED)
        for ev in c:
            if isinstance(ev, ordo.Message):
                print(ev.sender, ev.data)

Standard library only (ctypes). The library is $ORDO_LIBRARY if set, else
the installed libordo.so.0. Errors are OrdoError subclasses carrying
libordo's code and its name (ORDO_ERR_...).
"""
from ordo.client import Client
from ordo.errors import (OrdoError, InvalidArgument, ConnectFailed,
                         SessionClosed, WouldBlock, Timeout, TooBig, BadName,
                         NotUnique, AccessDenied, VersionMismatch,
                         BufferTooSmall, TooManyGroups, Quota, BadService,
                         NoMemory, ProtocolError, SystemCallFailed)
from ordo.events import Cause, Membership, Message, Reject, Service

__all__ = [
    'Client', 'Message', 'Membership', 'Reject', 'Service', 'Cause',
    'OrdoError', 'InvalidArgument', 'ConnectFailed', 'SessionClosed',
    'WouldBlock', 'Timeout', 'TooBig', 'BadName', 'NotUnique',
    'AccessDenied', 'VersionMismatch', 'BufferTooSmall', 'TooManyGroups',
    'Quota', 'BadService', 'NoMemory', 'ProtocolError', 'SystemCallFailed',
]
