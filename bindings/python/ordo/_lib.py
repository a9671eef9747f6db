# SPDX-License-Identifier: BSD-3-Clause
"""libordo through ctypes: the library, its structures and its prototypes.

The layout of struct ordo_event and the constants are those of
include/ordo/ordo.h; ctypes lays the structure out by the platform's C
rules, as the compiler does. tests/python checks the constants against the
header, so the two cannot drift apart silently.
"""
import ctypes
import ctypes.util
import os

NAME_LEN = 32  # ORDO_NAME_LEN: a group or member name, NUL included
MAX_GROUPS = 255  # ORDO_MAX_GROUPS: destinations of one message

ERRORS = {  # enum ordo_error
    -1: 'ORDO_ERR_INVAL', -2: 'ORDO_ERR_CONNECT', -3: 'ORDO_ERR_CLOSED',
    -4: 'ORDO_ERR_AGAIN', -5: 'ORDO_ERR_TIMEOUT', -6: 'ORDO_ERR_TOO_BIG',
    -7: 'ORDO_ERR_NAME', -8: 'ORDO_ERR_NOT_UNIQUE', -9: 'ORDO_ERR_ACCESS',
    -10: 'ORDO_ERR_VERSION', -11: 'ORDO_ERR_BUFFER', -12: 'ORDO_ERR_GROUPS',
    -13: 'ORDO_ERR_QUOTA', -14: 'ORDO_ERR_SERVICE', -15: 'ORDO_ERR_NOMEM',
    -16: 'ORDO_ERR_PROTO', -17: 'ORDO_ERR_SYS',
}
ERR = {name[len('ORDO_ERR_'):]: code for code, name in ERRORS.items()}

SELF_DISCARD = 0x100        # ORDO_SELF_DISCARD
CONNECT_MEMBERSHIP = 0x1    # ORDO_CONNECT_MEMBERSHIP
EV_MESSAGE, EV_MEMBERSHIP, EV_REJECT = 1, 2, 3
MEMB_REGULAR = 0x1000
MEMB_TRANSITIONAL = 0x2000
MEMB_JOIN = 0x0100
MEMB_LEAVE = 0x0200
MEMB_DISCONNECT = 0x0400
MEMB_NETWORK = 0x0800


class Event(ctypes.Structure):
    """struct ordo_event"""
    _fields_ = [
        ('kind', ctypes.c_int),
        ('service', ctypes.c_int),
        ('msg_type', ctypes.c_int16),
        ('sender', ctypes.c_char * NAME_LEN),
        ('n_groups', ctypes.c_int),
        ('groups', ctypes.c_void_p),
        ('data', ctypes.c_void_p),
        ('len', ctypes.c_size_t),
        ('gid', ctypes.c_uint32 * 3),
        ('error', ctypes.c_int),
        ('seq', ctypes.c_uint64),
    ]


class IOVec(ctypes.Structure):
    """struct iovec"""
    _fields_ = [('iov_base', ctypes.c_void_p), ('iov_len', ctypes.c_size_t)]


def _find():
    """$ORDO_LIBRARY (a path), else the installed libordo.so.0."""
    path = os.environ.get('ORDO_LIBRARY')
    if path:
        return path
    return ctypes.util.find_library('ordo') or 'libordo.so.0'


def _load():
    lib = ctypes.CDLL(_find(), use_errno=True)
    c_client = ctypes.c_void_p
    c_int, c_char_p = ctypes.c_int, ctypes.c_char_p
    protos = {
        'ordo_strerror': (c_char_p, [c_int]),
        'ordo_connect': (c_int, [c_char_p, c_char_p, ctypes.c_uint, c_int,
                                 ctypes.POINTER(c_client)]),
        'ordo_disconnect': (c_int, [c_client]),
        'ordo_kill': (None, [c_client]),
        'ordo_private_group': (c_char_p, [c_client]),
        'ordo_daemon_name': (c_char_p, [c_client]),
        'ordo_join': (c_int, [c_client, c_char_p]),
        'ordo_leave': (c_int, [c_client, c_char_p]),
        'ordo_multicast': (c_int, [c_client, c_int, c_char_p, ctypes.c_int16,
                                   ctypes.c_void_p, ctypes.c_size_t]),
        'ordo_multicastv': (c_int, [c_client, c_int, c_int, ctypes.c_void_p,
                                    ctypes.c_int16, ctypes.POINTER(IOVec),
                                    c_int]),
        'ordo_max_message': (c_int, [c_client, c_int, ctypes.c_void_p]),
        'ordo_try_multicastv': (c_int, [c_client, c_int, c_int,
                                        ctypes.c_void_p, ctypes.c_int16,
                                        ctypes.POINTER(IOVec), c_int]),
        'ordo_receive': (c_int, [c_client, ctypes.POINTER(Event),
                                 ctypes.c_void_p, ctypes.c_size_t, c_int]),
        'ordo_pending': (c_int, [c_client]),
        'ordo_fd': (c_int, [c_client]),
        'ordo_arm': (c_int, [c_client]),
        'ordo_close_reason': (c_int, [c_client]),
        'ordo_close_reason_name': (c_char_p, [c_client]),
    }
    for name, (res, args) in protos.items():
        fn = getattr(lib, name)
        fn.restype = res
        fn.argtypes = args
    return lib


lib = _load()
