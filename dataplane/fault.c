/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The fault guard's signal handler (fault.h).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "dataplane/fault.h"

__thread sigjmp_buf *dp_fault_env;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	sigjmp_buf *env = dp_fault_env;

	(void)si;
	(void)uc;
	if (env != NULL) {
		dp_fault_env = NULL;
		siglongjmp(*env, 1);
	}
	/* Not inside a guarded burst: a real bug. Die as we would have. */
	signal(sig, SIG_DFL);
	raise(sig);
}

int dp_fault_install(void)
{
	static int installed;
	struct sigaction sa;

	if (installed)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	/* NODEFER: we leave the handler by siglongjmp without restoring the
	 * mask, so the signal must not stay blocked afterwards. */
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, NULL) < 0 || sigaction(SIGBUS, &sa, NULL) < 0)
		return -errno;
	installed = 1;
	return 0;
}
