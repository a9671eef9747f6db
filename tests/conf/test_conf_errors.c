/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Every way a configuration is refused: each case is a file, the message
 * it must produce (a substring, which quotes the bad token) and the line
 * that message must name. A case that parsed, or failed elsewhere or for
 * another reason, fails the test.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests/conf/conf_test.h"

struct bad {
	const char *text;
	unsigned    line; /* 0: the message names no line */
	const char *msg;
};

#define TMO5(tok, hur, join, gat)                                               \
	"TokenTimeout = " #tok "\nHurryTimeout = " #hur                         \
	"\nJoinTimeout = " #join "\nGatherTimeout = " #gat                      \
	"\nLookupTimeout = 30000\n"

static const struct bad cases[] = {
	/* Unknown keys, with and without a suggestion. */
	{ SEG1 "TokenTimout = 5\n", 4,
	  "unknown key 'TokenTimout' (did you mean 'TokenTimeout'?)" },
	{ SEG1 "window = 5\n", 4, "unknown key 'window' (did you mean 'Window'?)" },
	{ SEG1 "Frobnicate = 1\n", 4, "unknown key 'Frobnicate'" },
	{ SEG1 "Ordo { Daemon a { Port = \"x\"  Lcors = 1 } }\n", 4,
	  "unknown key 'Lcors' (did you mean 'Lcores'?)" },
	{ SEG1 "\"Window\" = 5\n", 4, "expected a key, got \"Window\"" },

	/* Bad numbers and values. */
	{ SEG1 "Window = 5x\n", 4, "'Window' wants a number, got '5x'" },
	{ SEG1 "Window = -1\n", 4, "'Window' wants a number, got '-1'" },
	{ SEG1 "Window = 0\n", 4, "'Window' is 0, outside 1..65536" },
	{ SEG1 "Window = 99999999999999999999\n", 4,
	  "'Window' wants a number, got '99999999999999999999'" },
	{ SEG1 "Window = 4294967296\n", 4, "outside 1..65536" },
	{ SEG1 "Window = \"60\"\n", 4, "'Window' wants a number, got '60'" },
	{ SEG1 "Window 5\n", 4, "expected '=' after 'Window', got '5'" },
	{ SEG1 "Window =\n", 4, "'Window' needs a value" },
	{ SEG1 "Window = 1 2\n", 4, "'Window' takes 1 value, got '2' too" },
	{ SEG1 "Window = ;\n", 4, "'Window' needs a value" },
	{ SEG1 "AcceleratedRing = maybe\n", 4, "'AcceleratedRing' wants yes or no, got 'maybe'" },
	{ SEG1 "EventPriority = LOUD\n", 4,
	  "'EventPriority' wants one of pDEBUG, INFO, WARNING, ERROR, CRITICAL, FATAL, DEBUG, got 'LOUD'" },
	{ SEG1 "EventPreciseTimeStamp = yes\n", 4,
	  "'EventPreciseTimeStamp' takes no value, got 'yes'" },
	{ SEG1 "EventTimeStamp = \"0123456789012345678901234567890123456789012345678901234567890123\"\n",
	  4, "'EventTimeStamp' is too long (64 bytes, at most 63)" },
	{ SEG1 "EventLogFile = \"\"\n", 4, "'EventLogFile' must not be empty" },
	{ SEG1 "RuntimeDir = run/ordo\n", 4,
	  "'RuntimeDir' wants an absolute path, got 'run/ordo'" },
	{ SEG1 "DaemonUser = \"a b\"\n", 4,
	  "'DaemonUser' wants a user or group name, got 'a b'" },
	{ SEG1 "Window = 1 = 2\n", 4,
	  "unexpected '=' after '1' in the value of 'Window' (quote values" },
	{ SEG1 "Ordo { Daemon a { Port = net_af_xdp0,iface=veth0 } }\n", 4,
	  "unexpected '=' after 'net_af_xdp0,iface' in the value of 'Port'" },
	{ SEG1 "Window = { 5 }\n", 4, "unexpected '{' in the value of 'Window'" },
	{ SEG1 "= 5\n", 4, "unexpected '=' without a key" },
	{ SEG1 "{\n", 4, "unexpected '{'" },

	/* Duplicates, and keys out of place. */
	{ SEG1 "Window = 100\n\nWindow = 100\n", 6,
	  "duplicate key 'Window' (first set at line 4)" },
	{ SEG1 "Ordo { Mtu = 9000 }\nOrdo { }\n", 5, "duplicate key 'Ordo' (first set at line 4)" },
	{ SEG1 "Ordo { Daemon a { Lcores = 1  Lcores = 2 } }\n", 4,
	  "duplicate key 'Lcores'" },
	{ SEG1 "Mtu = 1500\n", 4,
	  "'Mtu' does not belong in the top level (it goes in the Ordo section)" },
	{ SEG1 "Ordo {\n  Window = 5\n}\n", 5,
	  "'Window' does not belong in the Ordo section (it goes in the top level)" },
	{ SEG1 "Port = \"x\"\n", 4, "'Port' does not belong in the top level" },
	{ SEG1 "Ordo { Spread_Segment 239.0.0.2 { b 10.0.0.2 } }\n", 4,
	  "'Spread_Segment' does not belong in the Ordo section" },

	/* Segments and daemons. */
	{ "Window = 100\n", 0, "t.conf: no Spread_Segment" },
	{ "# nothing\n\n", 0, "t.conf: no Spread_Segment" },
	{ "Spread_Segment 239.0.0.1:4803 {\n}\n", 1, "Spread_Segment lists no daemons" },
	{ "Spread_Segment 239.0.0.1:0 {\n a 10.0.0.1\n}\n", 1,
	  "Spread_Segment wants a.b.c.d or a.b.c.d:port (port 1..65535), got '239.0.0.1:0'" },
	{ "Spread_Segment 239.0.0.1:70000 {\n a 10.0.0.1\n}\n", 1, "got '239.0.0.1:70000'" },
	{ "Spread_Segment 239.0.1 {\n a 10.0.0.1\n}\n", 1, "got '239.0.1'" },
	{ "Spread_Segment 0.0.0.0 {\n a 10.0.0.1\n}\n", 1, "is unspecified" },
	{ "Spread_Segment {\n a 10.0.0.1\n}\n", 1,
	  "'Spread_Segment' needs an address before '{', got '{'" },
	{ "Spread_Segment 239.0.0.1 = {\n", 1, "expected '{' to open a Spread_Segment block, got '='" },
	{ "Spread_Segment 239.0.0.1 {\n a 10.0.0.1\n a 10.0.0.2\n}\n", 3,
	  "daemon name 'a' is used twice (first at line 2)" },
	{ "Spread_Segment 239.0.0.1 {\n a 10.0.0.1\n}\nSpread_Segment 239.0.0.2 {\n b 10.0.0.1\n}\n",
	  5, "address 10.0.0.1 of daemon 'b' is already daemon 'a''s (line 2)" },
	{ "Spread_Segment 239.0.0.1 {\n a\n}\n", 2,
	  "daemon 'a' has no address (ordo looks no names up: write 'a a.b.c.d')" },
	{ "Spread_Segment 239.0.0.1 {\n a 10.0.0.256\n}\n", 2,
	  "daemon 'a': '10.0.0.256' is not an IPv4 address" },
	{ "Spread_Segment 239.0.0.1 {\n a 010.0.0.1\n}\n", 2, "'010.0.0.1' is not an IPv4 address" },
	{ "Spread_Segment 239.0.0.1 {\n a 10.0.0\n}\n", 2, "'10.0.0' is not an IPv4 address" },
	{ "Spread_Segment 239.0.0.1 {\n a 224.0.0.5\n}\n", 2,
	  "daemon 'a': 224.0.0.5 is not a host address" },
	{ "Spread_Segment 239.0.0.1 {\n 0.0.0.0\n}\n", 2, "0.0.0.0 is not a host address" },
	{ "Spread_Segment 239.0.0.1 {\n a/b 10.0.0.1\n}\n", 2,
	  "bad daemon name 'a/b' (letters, digits, '_', '-' and '.' only)" },
	{ "Spread_Segment 239.0.0.1 {\n abcdefghijabcdefghijabcdefghijabc 10.0.0.1\n}\n", 2,
	  "is too long (at most 31 characters)" },
	{ "Spread_Segment 239.0.0.1 {\n a 10.0.0.1 VirtualID = 5\n}\n", 2,
	  "'VirtualID' is not supported by ordo: a daemon's id is its IPv4 address" },
	{ "Spread_Segment 239.0.0.1 {\n a 10.0.0.1 = 5\n}\n", 2, "unexpected '=' after daemon 'a'" },
	{ "Spread_Segment 239.0.0.1 {\n Window = 5\n}\n", 2,
	  "daemon 'Window': '=' is not an IPv4 address" },
	{ "Spread_Segment 239.0.0.1 {\n = 5\n}\n", 2, "unexpected '=' in Spread_Segment" },
	{ "Spread_Segment 239.0.0.1 {\n {\n}\n", 2, "unexpected '{': a daemon entry is" },
	{ "Spread_Segment 239.0.0.1 {\n"
	  " d1 10.0.0.1\n d2 10.0.0.2\n d3 10.0.0.3\n d4 10.0.0.4\n d5 10.0.0.5\n"
	  " d6 10.0.0.6\n d7 10.0.0.7\n d8 10.0.0.8\n d9 10.0.0.9\n d10 10.0.0.10\n"
	  " d11 10.0.0.11\n d12 10.0.0.12\n d13 10.0.0.13\n d14 10.0.0.14\n"
	  " d15 10.0.0.15\n d16 10.0.0.16\n d17 10.0.0.17\n}\n", 18,
	  "too many daemons: daemon 'd17' would be number 17, a ring holds at most 16" },

	/* Interface blocks. */
	{ "Spread_Segment 239.0.0.1 {\n a 10.0.0.1 { }\n}\n", 2,
	  "interface block of daemon 'a' lists no interfaces" },
	{ "Spread_Segment 239.0.0.1 {\n a 10.0.0.1 { C 10.0.0.1 }\n}\n", 2,
	  "interface block of daemon 'a' must list its own address 10.0.0.1 for daemon traffic" },
	{ "Spread_Segment 239.0.0.1 {\n a 10.0.0.1 {\n  X 10.0.0.1\n }\n}\n", 3,
	  "'X' is neither an interface type (D, C, M) nor an IPv4 address" },
	{ "Spread_Segment 239.0.0.1 {\n a 10.0.0.1 { D }\n}\n", 2,
	  "interface type without an address before '}'" },
	{ "Spread_Segment 239.0.0.1 {\n a 10.0.0.1 { D\n 10.0.0.1 }\n}\n", 2,
	  "interface type without an address" },
	{ "Spread_Segment 239.0.0.1 {\n a 10.0.0.1 { 10.0.0.1 10.0.1.1 10.0.2.1 10.0.3.1 10.0.4.1 }\n}\n",
	  2, "daemon 'a' has too many interfaces (at most 4)" },
	{ "Spread_Segment 239.0.0.1 {\n a 10.0.0.1 { D 239.1.1.1 }\n}\n", 2,
	  "interface address '239.1.1.1' is not a host address" },
	{ "Spread_Segment 239.0.0.1 {\n a 10.0.0.1 { = }\n}\n", 2, "'=' is neither" },

	/* Unbalanced braces. */
	{ "Spread_Segment 239.0.0.1:4803 {\n a 10.0.0.1\n", 1,
	  "a Spread_Segment block opened here is never closed with '}'" },
	{ SEG1 "Ordo {\n Mtu = 9000\n", 4, "the Ordo section opened here is never closed" },
	{ SEG1 "DebugFlags = { PRINT\n", 4, "the DebugFlags list opened here is never closed" },
	{ SEG1 "Ordo {\n Daemon a {\n  Lcores = 1\n", 5,
	  "a Daemon block of the Ordo section opened here is never closed" },
	{ "Spread_Segment 239.0.0.1 {\n a 10.0.0.1 {\n D 10.0.0.1\n", 2,
	  "a daemon's interface block opened here is never closed" },
	{ SEG1 "Ordo\n\n", 4, "'{' expected to open the Ordo section before the end of the file" },
	{ SEG1 "}\n", 4, "unmatched '}'" },
	{ SEG1 "Ordo { } }\n", 4, "unmatched '}'" },

	/* Not text. */
	{ SEG1 "Window = 1\0002\n", 4, "NUL byte at column 11" },
	{ SEG1 "Window = \x01\n", 4, "control character \\x01 at column 10" },
	{ SEG1 "Window = 1\x7f\n", 4, "control character \\x7f at column 11" },
	{ SEG1 "# caf\xff\n", 4, "invalid UTF-8 (byte \\xff) at column 6" },
	{ SEG1 "# \xc0\xaf overlong\n", 4, "invalid UTF-8 (byte \\xc0) at column 3" },
	{ SEG1 "# \xe0\x80\xaf overlong\n", 4, "invalid UTF-8 (byte \\xe0) at column 3" },
	{ SEG1 "# \xed\xa0\x80 surrogate\n", 4, "invalid UTF-8 (byte \\xed) at column 3" },
	{ SEG1 "# \xf4\x90\x80\x80 too high\n", 4, "invalid UTF-8 (byte \\xf4) at column 3" },
	{ SEG1 "# cut \xe2\x82\n", 4, "invalid UTF-8 (byte \\xe2) at column 7" },
	{ "\x7f" "ELF\x02\x01\x01\n", 1, "control character \\x7f at column 1" },
	{ SEG1 "EventLogFile = \"/tmp/x\n", 4, "unterminated string starting at column 16" },
	{ SEG1 "EventLogFile = \"/tmp/\\x\"\n", 4,
	  "unknown escape in string at column 22 (only \\\" and \\\\)" },

	/* Refused Spread keys. */
	{ SEG1 "DangerousMonitor = false\n", 4,
	  "'DangerousMonitor' is not supported by ordo: ordo has no monitor program" },
	{ SEG1 "SocketPortReuse = AUTO\n", 4, "'SocketPortReuse' is not supported by ordo" },
	{ SEG1 "AllowedAuthMethods = \"NULL\"\n", 4,
	  "'AllowedAuthMethods' is not supported by ordo: clients are authenticated by SO_PEERCRED" },
	{ SEG1 "RequiredAuthMethods = \"NULL\"\n", 4, "'RequiredAuthMethods' is not supported" },
	{ SEG1 "AccessControlPolicy = PERMIT\n", 4, "'AccessControlPolicy' is not supported" },
	{ SEG1 "DangerousMonitor\n", 4, "'DangerousMonitor' is not supported" },
	{ SEG1 "ActiveIPVersion = IPv6\n", 4, "'ActiveIPVersion = IPv6' is not supported by ordo" },
	{ SEG1 "ActiveIPVersion = IPv5\n", 4, "'ActiveIPVersion' wants IPv4 or IPv6, got 'IPv5'" },
	{ SEG1 "WideAreaNetwork = yes\n", 4, "'WideAreaNetwork = yes' is not supported by ordo" },

	/* DebugFlags. */
	{ SEG1 "DebugFlags = { PRINT EXTI }\n", 4, "unknown DebugFlags type 'EXTI'" },
	{ SEG1 "DebugFlags = { PRINT ! }\n", 4, "'!' without a DebugFlags type after it" },
	{ SEG1 "DebugFlags = { ! !PRINT }\n", 4, "'!!' in DebugFlags" },
	{ SEG1 "DebugFlags = PRINT\n", 4, "expected '{' to open the DebugFlags list, got 'PRINT'" },
	{ SEG1 "DebugFlags { PRINT }\n", 4, "expected '= {' after 'DebugFlags', got '{'" },
	{ SEG1 "DebugFlags = { \"PRINT\" }\n", 4, "unexpected 'PRINT' in DebugFlags" },

	/* Timeouts: each applied on its own, Spread's four that ordo would
	 * ignore refused, the engine's rules stated. */
	{ SEG1 "\nTokenTimeout = 100\n", 0, NULL }, /* one alone: accepted */
	{ SEG1 TMO5(1250, 500, 250, 1250), 0, NULL },  /* Spread's: accepted */
	{ SEG1 "\nAliveTimeout = 250\n", 5,
	  "'AliveTimeout' is not supported by ordo: it times Spread's segment representatives, and ordo has none; remove it" },
	{ SEG1 "RepTimeout = 625\n", 4,
	  "'RepTimeout' is not supported by ordo: it times Spread's segment representatives, and ordo has none; remove it" },
	{ SEG1 "SegTimeout = 500\n", 4,
	  "'SegTimeout' is not supported by ordo: it times Spread's segment representatives, and ordo has none; remove it" },
	{ SEG1 "FormTimeout = 1250\n", 4,
	  "'FormTimeout' is not supported by ordo: ordo gives up forming a ring when its commit token is lost, after TokenTimeout; remove it" },
	{ SEG1 TMO5(900, 500, 250, 1250), 5,
	  "TokenTimeout (900 ms) must be at least twice the token retransmission interval (500000000 ns): the token is resent before it is declared lost" },
	{ SEG1 TMO5(1250, 500, 700, 1250), 7,
	  "GatherTimeout (1250 ms) must be at least twice JoinTimeout (700 ms): a member may miss one join without being left out" },
	{ SEG1 "JoinTimeout = 6\n", 4,
	  "GatherTimeout (10 ms) must be at least twice JoinTimeout (6 ms): a member may miss one join without being left out" },
	{ SEG1 "TokenTimeout = 0\n", 4, "'TokenTimeout' is 0, outside 1..3600000" },
	{ SEG1 "Ordo { TokenRetransmit = 5 }\n", 4,
	  "'TokenRetransmit' wants a duration with a unit (ns, us, ms, s), got '5'" },
	{ SEG1 "Ordo { TokenRetransmit = 5m }\n", 4, "got '5m'" },
	{ SEG1 "Ordo { TokenRetransmit = 100ns }\n", 4,
	  "'TokenRetransmit' is 100ns, outside 1000ns..10000000000ns" },
	{ SEG1 "Ordo { TokenRetransmit = 2s }\n", 4,
	  "TokenTimeout (20 ms) must be at least twice the token retransmission interval (2000000000 ns): the token is resent before it is declared lost" },

	/* Windows and memory. */
	{ SEG1 "PersonalWindow = 500\n", 4, "PersonalWindow (500) exceeds Window (256)" },
	{ SEG1 "AcceleratedWindow = 65\n", 4, "AcceleratedWindow (65) exceeds PersonalWindow (64)" },
	{ SEG1 "AcceleratedRing = no\nAcceleratedWindow = 10\n", 5,
	  "AcceleratedWindow has no effect with AcceleratedRing = no" },
	{ SEG1 "Window = 4096\n", 4, "StorePackets (8192) must be at least 4 * Window (16384)" },
	{ SEG1 "Ordo { StorePackets = 1000 }\n", 4,
	  "'StorePackets' must be a power of two, got '1000'" },
	{ SEG1 "Ordo { StorePackets = 32 }\n", 4, "'StorePackets' is 32, outside 64..16777216" },
	{ SEG1 "Ordo { MaxMessageSize = 65M }\n", 4,
	  "'MaxMessageSize' is 65M, outside 1..67108864 bytes" },
	{ SEG1 "Ordo { MaxMessageSize = 1X }\n", 4,
	  "'MaxMessageSize' wants a size (bytes, or with K, M, G: 1024-based), got '1X'" },
	{ SEG1 "Ordo { MaxMessageSize = 1MB }\n", 4, "got '1MB'" },
	{ SEG1 "Ordo {\n MaxMessageSize = 64M\n}\n", 5,
	  "SubmitQueueBytes (33619968) cannot hold one MaxMessageSize (67108864) message" },

	/* The Ordo section. */
	{ SEG1 "Ordo { Mtu = 1499 }\n", 4, "'Mtu' is 1499, outside 1500..9216" },
	{ SEG1 "Ordo { Mtu = 9217 }\n", 4, "'Mtu' is 9217, outside 1500..9216" },
	{ SEG1 "Ordo { Encap = ip }\n", 4, "'Encap' wants one of ethernet, udp, got 'ip'" },
	{ SEG1 "Ordo { IdleStrategy = sleep }\n", 4,
	  "'IdleStrategy' wants one of spin, yield, backoff, got 'sleep'" },
	{ SEG1 "Ordo { ClientSocket = ordo.sock }\n", 4,
	  "'ClientSocket' wants an absolute path, got 'ordo.sock'" },
	{ SEG1 "Ordo { Hugepages = /dev/hugepages 1M }\n", 4,
	  "'Hugepages' is 1M, outside 2097152..1099511627776 bytes" },
	{ SEG1 "Spread_Segment 239.0.0.2 {\n b 10.0.0.2\n}\nOrdo {\n Encap = ethernet\n}\n", 8,
	  "Encap = ethernet needs all daemons in one Spread_Segment" },
	{ SEG1 "RuntimeDir = \"/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\n",
	  4, "RuntimeDir is too long to hold ordo.sock" },
	{ SEG1 "Ordo {\n Daemon zz { Lcores = 1 }\n}\n", 5,
	  "Daemon block for 'zz': no Spread_Segment lists a daemon of that name" },
	{ SEG1 "Ordo {\n Daemon a { }\n Daemon a { }\n}\n", 6,
	  "second Daemon block for 'a' (first at line 5)" },
	{ SEG1 "Ordo { Daemon \"a b\" { } }\n", 4, "Daemon wants a daemon's name, got 'a b'" },
	{ SEG1 "Ordo { Daemon { } }\n", 4, "'Daemon' needs a name before '{', got '{'" },
	{ SEG1 "Ordo { Daemon a { Lcores = 2-1 } }\n", 4,
	  "'Lcores' wants a DPDK lcore list such as 2 or 2,4 or 2-5 (ids below 1024), got '2-1'" },
	{ SEG1 "Ordo { Daemon a { Lcores = 1,,2 } }\n", 4, "got '1,,2'" },
	{ SEG1 "Ordo { Daemon a { Lcores = 1024 } }\n", 4, "got '1024'" },
	{ SEG1 "Ordo { Daemon a { RxQueues = 0 } }\n", 4, "RxQueues" },
	{ SEG1 "Ordo { Daemon a { RxQueues = 9 } }\n", 4, "RxQueues" },
	{ SEG1 "Ordo { Daemon a { Mac = 02:00:00:00:00 } }\n", 4,
	  "'Mac' wants xx:xx:xx:xx:xx:xx, got '02:00:00:00:00'" },
	{ SEG1 "Ordo { Daemon a { Mac = 01:00:5e:00:00:01 } }\n", 4,
	  "'Mac' 01:00:5e:00:00:01 is a multicast address" },
	{ SEG1 "Ordo { Daemon a { Port = \"\" } }\n", 4, "'Port' must not be empty" },
	{ SEG1 "Ordo {\n Access \"x\" { Allow = join }\n}\n", 5,
	  "Access block for 'x' matches nobody: give Uid or Gid (or '*')" },
	{ SEG1 "Ordo { Access x { Uid = 1  Allow = read } }\n", 4,
	  "'Allow' wants one of join, send, none, got 'read'" },
	{ SEG1 "Ordo { Access x { Uid = 1  Allow = none join } }\n", 4,
	  "'Allow = none' stands alone" },
	{ SEG1 "Ordo { Access x { Uid = root } }\n", 4, "'Uid' wants a number, got 'root'" },
	{ SEG1 "Ordo { Access x { Gid = 1 2 3 4 5 6 7 8 9 } }\n", 4,
	  "'Gid' takes at most 8 values, got '9' too" },
	{ SEG1 "Ordo { Access \"a b\" { Uid = 1 } }\n", 4,
	  "Access pattern 'a b' holds a character group names cannot" },
	{ SEG1 "Ordo { Access \"\" { Uid = 1 } }\n", 4,
	  "Access wants a group pattern of 1..63 characters, got ''" },
	{ SEG1 "Ordo { Uid = 1 }\n", 4,
	  "'Uid' does not belong in the Ordo section (it goes in an Access block of the Ordo section)" },
	{ SEG1 "Ordo = { }\n", 4, "expected '{' to open the Ordo section, got '='" },
};

static void run_case(const struct bad *b, size_t idx)
{
	static struct ordo_conf c;
	char err[512], where[32];
	size_t len = strlen(b->text);
	int rc;

	/* The NUL case: the text is longer than strlen says. */
	if (strstr(b->msg ? b->msg : "", "NUL byte"))
		len += 3;
	rc = ordo_conf_parse_buffer(b->text, len, "t.conf", &c, err,
				    sizeof(err));
	if (b->msg == NULL) {
		if (rc != 0)
			fail_msg("case %zu: control case rejected: %s", idx, err);
		return;
	}
	if (rc != -EINVAL)
		fail_msg("case %zu: got %d, want -EINVAL for \"%s\"", idx, rc,
			 b->msg);
	if (strstr(err, b->msg) == NULL)
		fail_msg("case %zu:\n  got:  %s\n  want: %s", idx, err, b->msg);
	if (b->line)
		snprintf(where, sizeof(where), "t.conf:%u: ", b->line);
	else
		snprintf(where, sizeof(where), "t.conf: ");
	if (strncmp(err, where, strlen(where)) != 0)
		fail_msg("case %zu: message names the wrong place:\n  got:  %s\n  want: %s...",
			 idx, err, where);
}

static void test_every_error(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i], i);
	print_message("%zu error cases checked\n", i);
}

/* The line-length limit is exact: 1024 bytes pass, 1025 do not. */
static void test_line_too_long(void **state)
{
	static struct ordo_conf c;
	static char text[4096];
	char err[512];
	size_t n;

	(void)state;
	n = (size_t)snprintf(text, sizeof(text), "%s#", SEG1);
	memset(text + n, 'x', ORDO_CONF_LINE_MAX - 1);
	strcpy(text + n + ORDO_CONF_LINE_MAX - 1, "\n");
	assert_int_equal(parse(text, &c, err, sizeof(err)), 0);
	/* A trailing \r does not count towards it. */
	strcpy(text + n + ORDO_CONF_LINE_MAX - 1, "\r\n");
	assert_int_equal(parse(text, &c, err, sizeof(err)), 0);
	strcpy(text + n + ORDO_CONF_LINE_MAX - 1, "x\n");
	assert_int_equal(parse(text, &c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "t.conf:4: line too long (1025 bytes, at most 1024)");
}

static void test_too_many_tokens(void **state)
{
	static struct ordo_conf c;
	char text[512], err[512];
	size_t n, i;

	(void)state;
	n = (size_t)snprintf(text, sizeof(text), "%s", SEG1);
	for (i = 0; i < 65; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "; ");
	snprintf(text + n, sizeof(text) - n, "\n");
	assert_int_equal(parse(text, &c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "t.conf:4: too many tokens on one line (at most 64)");
}

static void test_too_many_values(void **state)
{
	static struct ordo_conf c;
	char text[512], err[512];
	size_t n, i;

	(void)state;
	n = (size_t)snprintf(text, sizeof(text), "%sOrdo { Access x { Uid =", SEG1);
	for (i = 0; i < 20; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, " %zu", i);
	snprintf(text + n, sizeof(text) - n, " } }\n");
	assert_int_equal(parse(text, &c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "t.conf:4: too many values for 'Uid' (at most 8)");
}

static void test_too_many_ports(void **state)
{
	static struct ordo_conf c;
	char text[2048], err[512];
	size_t n, i;

	(void)state;
	n = (size_t)snprintf(text, sizeof(text), "%sOrdo { Daemon a {\n", SEG1);
	for (i = 0; i < ORDO_CONF_MAX_PORTS + 1; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "Port = \"net_memif%zu\"\n", i);
	snprintf(text + n, sizeof(text) - n, "} }\n");
	assert_int_equal(parse(text, &c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "t.conf:20: daemon 'a' has too many ports (at most 15)");
}

static void test_too_many_blocks(void **state)
{
	static struct ordo_conf c;
	static char text[8192];
	char err[512];
	size_t n, i;

	(void)state;
	n = (size_t)snprintf(text, sizeof(text), "%sOrdo {\n", SEG1);
	for (i = 0; i < ORDO_CONF_MAX_ACCESS + 1; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "Access g%zu { Uid = 1 }\n", i);
	snprintf(text + n, sizeof(text) - n, "}\n");
	assert_int_equal(parse(text, &c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "t.conf:37: too many Access blocks (at most 32)");

	n = 0;
	for (i = 0; i < ORDO_CONF_MAX_SEGMENTS + 1; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "Spread_Segment 239.0.0.%zu { d%zu 10.0.0.%zu }\n",
				      i + 1, i, i + 1);
	assert_int_equal(parse(text, &c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "t.conf:17: too many segments (at most 16)");
}

/* A small error buffer truncates the message; it is still a C string. */
static void test_small_error_buffer(void **state)
{
	static struct ordo_conf c;
	char err[8];

	(void)state;
	memset(err, 'z', sizeof(err));
	assert_int_equal(parse(SEG1 "Bogus = 1\n", &c, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "t.conf:");
	assert_int_equal(parse(SEG1 "Bogus = 1\n", &c, NULL, 0), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_error),
		cmocka_unit_test(test_line_too_long),
		cmocka_unit_test(test_too_many_tokens),
		cmocka_unit_test(test_too_many_values),
		cmocka_unit_test(test_too_many_ports),
		cmocka_unit_test(test_too_many_blocks),
		cmocka_unit_test(test_small_error_buffer),
	};

	return cmocka_run_group_tests_name("conf_errors", tests, NULL, NULL);
}
