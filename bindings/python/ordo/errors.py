# SPDX-License-Identifier: BSD-3-Clause
"""libordo's error codes as exceptions.

Every failure of a libordo call raises an OrdoError subclass; .code is the
negative enum ordo_error value, .name its C name (ORDO_ERR_TIMEOUT, ...),
and str() libordo's own description (ordo_strerror). Catch OrdoError for
all of them, or one subclass. Timeout is also Python's TimeoutError,
WouldBlock a BlockingIOError, SystemCallFailed an OSError carrying errno.
"""
import ctypes
import errno

from ordo import _lib


class OrdoError(Exception):
    """A libordo call failed. .code: the negative code; .name: its name."""
    code = 0

    def __init__(self, code=None, detail=None):
        if code is not None:
            self.code = code
        self.name = _lib.ERRORS.get(self.code, 'ORDO_ERR_%d' % self.code)
        text = _lib.lib.ordo_strerror(self.code).decode()
        if detail:
            text = '%s: %s' % (detail, text)
        super().__init__(text)
        self.text = text
        if isinstance(self, OSError):
            # OSError took (code, detail) for (errno, strerror): set them
            # to what they mean here.
            self.errno = _OS_ERRNO.get(self.code) or ctypes.get_errno()
            self.strerror = text

    def __str__(self):
        return '%s (%s)' % (self.text, self.name)


def _define(code_name, doc, *bases):
    code = _lib.ERR[code_name]
    return type(doc[0], (OrdoError,) + bases, {'code': code, '__doc__': doc[1]})


InvalidArgument = _define('INVAL', ('InvalidArgument', 'A bad argument.'))
ConnectFailed = _define('CONNECT', ('ConnectFailed', 'No daemon answered at the socket.'))
Timeout = _define('TIMEOUT', ('Timeout', 'The timeout passed.'), TimeoutError)
TooBig = _define('TOO_BIG', ('TooBig', 'The message is above the largest the daemon takes.'))
BadName = _define('NAME', ('BadName', 'A group or private name breaks the rules.'))
NotUnique = _define('NOT_UNIQUE', ('NotUnique', 'The private name is in use at the daemon.'))
AccessDenied = _define('ACCESS', ('AccessDenied', 'The daemon refused our credentials.'))
VersionMismatch = _define('VERSION', ('VersionMismatch', 'Library and daemon disagree on a layout.'))
BufferTooSmall = _define('BUFFER', ('BufferTooSmall', 'The receive buffer is too small.'))
TooManyGroups = _define('GROUPS', ('TooManyGroups', "Too many groups for the caller's array."))
Quota = _define('QUOTA', ('Quota', 'The daemon has no room for another client.'))
BadService = _define('SERVICE', ('BadService', 'Not a valid service.'))
NoMemory = _define('NOMEM', ('NoMemory', 'Out of memory.'), MemoryError)
ProtocolError = _define('PROTO', ('ProtocolError', 'The daemon broke the protocol.'))


class SessionClosed(OrdoError):
    """The session is over. .reason: why, e.g. 'slow-consumer'."""
    code = _lib.ERR['CLOSED']

    def __init__(self, code=None, detail=None, reason=None):
        super().__init__(code, detail)
        self.reason = reason

    def __str__(self):
        s = super().__str__()
        return '%s: %s' % (s, self.reason) if self.reason else s


class WouldBlock(OrdoError, BlockingIOError):
    """A non-blocking call would have blocked."""
    code = _lib.ERR['AGAIN']


class SystemCallFailed(OrdoError, OSError):
    """A system call failed; .errno tells which error."""
    code = _lib.ERR['SYS']


_OS_ERRNO = {WouldBlock.code: errno.EAGAIN, Timeout.code: errno.ETIMEDOUT}


BY_CODE = {cls.code: cls for cls in (
    InvalidArgument, ConnectFailed, SessionClosed, WouldBlock, Timeout,
    TooBig, BadName, NotUnique, AccessDenied, VersionMismatch,
    BufferTooSmall, TooManyGroups, Quota, BadService, NoMemory,
    ProtocolError, SystemCallFailed)}


def error(code, detail=None, **kw):
    """The exception for a negative libordo return code."""
    cls = BY_CODE.get(code)
    if cls is None:
        return OrdoError(code, detail)
    return cls(code, detail, **kw)
