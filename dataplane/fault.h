/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Fault containment for a fragile PMD's bursts. The memif PMD unmaps its
 * shared region from the interrupt thread when the peer goes away, and
 * checks its "connected" flag only at the top of a burst: a burst that
 * started just before (or that the scheduler preempted across the unmap)
 * faults inside the PMD. No lock or check of ours can close that window,
 * so the bursts of fragile ports run under a guard: a SIGSEGV or SIGBUS
 * raised while the guard is set returns from the burst as an error, and
 * the port is retired (never polled again; the mbufs the burst held are
 * leaked, a few dozen). A fault anywhere else is a bug and kills the
 * process as usual.
 *
 * Cost: a sigsetjmp without the signal mask (no syscall), fragile ports
 * only.
 */
#ifndef ORDO_DP_FAULT_H
#define ORDO_DP_FAULT_H

#include <setjmp.h>

/* The guard of the calling thread: set around a burst, NULL otherwise. */
extern __thread sigjmp_buf *dp_fault_env;

/* Install the SIGSEGV/SIGBUS handler (idempotent). Returns 0 or -errno. */
int dp_fault_install(void);

#endif /* ORDO_DP_FAULT_H */
