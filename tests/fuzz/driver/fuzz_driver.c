/* SPDX-License-Identifier: BSD-3-Clause
 *
 * A stand-in for libFuzzer where there is none (gcc, or a clang without
 * it), shared by every fuzz target: it replays every file of the corpus,
 * then runs deterministic pseudo-random mutations of them until a time or
 * count limit, under whatever sanitizers the target was built with.
 *
 *   <target>_driver [-t seconds] [-n mutations] [-s seed] [-T timeout]
 *                   dir|file ...
 *
 *   -t  fuzzing time, 0 for none (default 10 s); the corpus replay counts
 *   -n  at most so many mutated inputs (default 10^8; 0: replay only)
 *   -s  seed of the mutations: a seed and a corpus make one run
 *   -T  an input running longer (default 10 s) is a timeout
 *
 * The mutations are libFuzzer's interface (fuzz_target.h): the generic
 * ones below are LLVMFuzzerMutate(); a target that defines
 * LLVMFuzzerCustomMutator() gets every mutation step, as under libFuzzer,
 * and calls LLVMFuzzerMutate() for part of them; its
 * LLVMFuzzerCustomCrossOver(), if any, is drawn as often as the mutator
 * and may decline. So a target's format-aware mutations are the same
 * code, in the same mix, under both fuzzers.
 *
 * The target is named after the program, less "_driver" (fuzz_wire for
 * fuzz_wire_driver): a crash (signal, or abort: run with
 * ASAN_OPTIONS=abort_on_error=1) leaves its input in ./crash-<target>, a
 * timeout in ./timeout-<target>. Running the driver on that file alone
 * replays it.
 */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tests/fuzz/driver/fuzz_target.h"

/* A target may leave them out. */
#pragma weak LLVMFuzzerCustomMutator
#pragma weak LLVMFuzzerCustomCrossOver

#define MAX_INPUTS 4096
#define MAX_LEN    (64u << 10) /* of a corpus file; mutations reach 2x */

struct input {
	uint8_t *data;
	size_t   len;
};

/* One instance, static: LLVMFuzzerMutate() and the signal handler have
 * no argument to carry it. Random numbers are drawn one per statement,
 * never two as arguments of one call, whose order the compiler picks:
 * a seed means the same run under gcc and clang. */
static struct driver {
	struct input inputs[MAX_INPUTS];
	size_t n_inputs;
	struct fuzz_rng rng;
	unsigned timeout_s;
	uint8_t cur[2 * MAX_LEN]; /* the input being mutated */
	uint8_t out[2 * MAX_LEN]; /* a crossover's result */
	const uint8_t *volatile running; /* what the target runs, for */
	volatile size_t running_len;     /* the signal handler */
	char crash_file[128], crash_msg[256];
	char timeout_file[128], timeout_msg[256];
} drv;

static size_t below(size_t n)
{
	return fuzz_rng_below(&drv.rng, n);
}

/* A run length, mostly short: 1 to max, at most 2^k for a random k < 10. */
static size_t run_len(size_t max)
{
	size_t n = (size_t)1 << below(10);

	return 1 + below(n < max ? n : max);
}

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size)
{
	const struct input *o;
	size_t at, n, k;
	uint8_t b;

	if (size > max_size)
		size = max_size;
	switch (below(8)) {
	case 0: /* flip a bit */
		if (size) {
			at = below(size);
			data[at] ^= (uint8_t)(1u << below(8));
		}
		break;
	case 1: /* a random byte */
		if (size) {
			at = below(size);
			data[at] = (uint8_t)fuzz_rng_next(&drv.rng);
		}
		break;
	case 2: /* delete a run */
		if (size) {
			at = below(size);
			size = fuzz_erase(data, size, at, run_len(size - at));
		}
		break;
	case 3: /* repeat a run (fields, records, keys, lines) */
		if (size) {
			k = below(size);
			n = run_len(size - k);
			at = below(size + 1);
			size = fuzz_repeat(data, size, max_size, k, n, at);
		}
		break;
	case 4: /* a piece of another input, inserted */
		o = &drv.inputs[below(drv.n_inputs)];
		if (o->len) {
			k = below(o->len);
			n = 1 + below(o->len - k);
			size = fuzz_insert(data, size, max_size,
					   below(size + 1), o->data + k, n);
		}
		break;
	case 5: /* splice: our head, another input's tail */
		o = &drv.inputs[below(drv.n_inputs)];
		at = below(size + 1);
		k = below(o->len + 1);
		n = o->len - k < max_size - at ? o->len - k : max_size - at;
		memcpy(data + at, o->data + k, n);
		size = at + n;
		break;
	case 6: /* truncate */
		size = below(size + 1);
		break;
	case 7: /* grow with random bytes */
		for (n = 1 + below(32); n > 0; n--) {
			b = (uint8_t)fuzz_rng_next(&drv.rng);
			size = fuzz_insert(data, size, max_size, size, &b, 1);
		}
		break;
	}
	return size;
}

/* One mutation step of drv.cur; returns its new length. As libFuzzer
 * does: the mutator (the target's, else the generic one) and the
 * target's crossover, if any, are equally likely, and a crossover that
 * returns 0 declines: another draw. */
static size_t mutate(size_t len)
{
	const struct input *o;
	unsigned tries;
	size_t n;

	for (tries = 0; LLVMFuzzerCustomCrossOver != NULL && tries < 100;
	     tries++) {
		if (below(2) == 0)
			break;
		o = &drv.inputs[below(drv.n_inputs)];
		n = LLVMFuzzerCustomCrossOver(drv.cur, len, o->data, o->len,
					      drv.out, sizeof(drv.out),
					      (unsigned)fuzz_rng_next(&drv.rng));
		if (n > 0 && n <= sizeof(drv.out)) {
			memcpy(drv.cur, drv.out, n);
			return n;
		}
	}
	if (LLVMFuzzerCustomMutator != NULL) {
		n = LLVMFuzzerCustomMutator(drv.cur, len, sizeof(drv.cur),
					    (unsigned)fuzz_rng_next(&drv.rng));
		return n <= sizeof(drv.cur) ? n : len;
	}
	return LLVMFuzzerMutate(drv.cur, len, sizeof(drv.cur));
}

static void add_input(const uint8_t *d, size_t len)
{
	struct input *in = &drv.inputs[drv.n_inputs];

	if (drv.n_inputs >= MAX_INPUTS || len > MAX_LEN)
		return;
	in->data = malloc(len ? len : 1);
	if (in->data == NULL)
		return;
	memcpy(in->data, d, len);
	in->len = len;
	drv.n_inputs++;
}

static void load_file(const char *path)
{
	static uint8_t buf[MAX_LEN];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL)
		return;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	add_input(buf, n);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void load(const char *path)
{
	struct dirent **names;
	char sub[4096];
	struct stat st;
	int n, i;

	if (stat(path, &st) < 0) {
		perror(path);
		exit(2);
	}
	if (S_ISREG(st.st_mode)) {
		load_file(path);
		return;
	}
	/* Sorted, so that a seed means the same run everywhere. */
	n = scandir(path, &names, NULL, by_name);
	for (i = 0; i < n; i++) {
		snprintf(sub, sizeof(sub), "%s/%s", path, names[i]->d_name);
		if (names[i]->d_name[0] != '.' && stat(sub, &st) == 0 &&
		    S_ISREG(st.st_mode))
			load_file(sub);
		free(names[i]);
	}
	free(names);
}

/* Async-signal-safe: save the input that crashed or hung, then die. */
static void on_signal(int sig)
{
	bool hang = sig == SIGALRM;
	const char *msg = hang ? drv.timeout_msg : drv.crash_msg;
	int fd = open(hang ? drv.timeout_file : drv.crash_file,
		      O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd >= 0 && drv.running != NULL) {
		if (write(fd, drv.running, drv.running_len) < 0) {
			/* nothing more to do in a signal handler */
		}
		close(fd);
	}
	if (write(2, msg, strlen(msg)) < 0) {
		/* likewise */
	}
	if (hang)
		sig = SIGABRT;
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Runs a copy of exactly n bytes, as libFuzzer does, so that ASan sees a
 * read past the end. */
static void run(const uint8_t *d, size_t n)
{
	uint8_t *copy = malloc(n ? n : 1);

	if (copy == NULL) {
		perror("malloc");
		exit(2);
	}
	memcpy(copy, d, n);
	drv.running_len = n;
	drv.running = copy;
	alarm(drv.timeout_s);
	LLVMFuzzerTestOneInput(copy, n);
	alarm(0);
	drv.running = NULL;
	free(copy);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Names the files and messages after the program: fuzz_wire_driver
 * saves crash-fuzz_wire. */
static void name_after(const char *prog)
{
	size_t n = strlen(prog);
	char target[96];

	if (n > 7 && strcmp(prog + n - 7, "_driver") == 0)
		n -= 7;
	snprintf(target, sizeof(target), "%.*s", (int)n, prog);
	snprintf(drv.crash_file, sizeof(drv.crash_file), "crash-%s", target);
	snprintf(drv.timeout_file, sizeof(drv.timeout_file), "timeout-%s",
		 target);
	snprintf(drv.crash_msg, sizeof(drv.crash_msg),
		 "%s: crash, input saved in %s\n", prog, drv.crash_file);
	snprintf(drv.timeout_msg, sizeof(drv.timeout_msg),
		 "%s: timeout, input saved in %s\n", prog, drv.timeout_file);
}

int main(int argc, char **argv)
{
	static const int sigs[] = { SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL,
				    SIGALRM };
	unsigned long long max = 100000000ull, done = 0;
	const char *prog = strrchr(argv[0], '/');
	double budget = 10, t0, dt;
	size_t i, len;
	unsigned k;
	int c;

	prog = prog ? prog + 1 : argv[0];
	fuzz_rng_seed(&drv.rng, 0);
	drv.timeout_s = 10;
	while ((c = getopt(argc, argv, "t:n:s:T:")) != -1) {
		switch (c) {
		case 't': budget = atof(optarg); break;
		case 'n': max = strtoull(optarg, NULL, 0); break;
		case 's': fuzz_rng_seed(&drv.rng, strtoull(optarg, NULL, 0)); break;
		case 'T': drv.timeout_s = (unsigned)atoi(optarg); break;
		default:
			fprintf(stderr, "usage: %s [-t seconds] [-n mutations] "
				"[-s seed] [-T timeout] dir|file ...\n", prog);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	name_after(prog);
	for (; optind < argc; optind++)
		load(argv[optind]);
	if (drv.n_inputs == 0)
		add_input((const uint8_t *)"", 0);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], on_signal);

	t0 = now_s();
	for (i = 0; i < drv.n_inputs; i++)
		run(drv.inputs[i].data, drv.inputs[i].len);
	printf("%s: replayed %zu inputs in %.2f s\n", prog, drv.n_inputs,
	       now_s() - t0);
	/* The clock is read every 256 runs: cheap, and soon enough. */
	while (done < max &&
	       (done & 255 || budget <= 0 || now_s() - t0 < budget)) {
		const struct input *in = &drv.inputs[below(drv.n_inputs)];

		memcpy(drv.cur, in->data, in->len);
		len = in->len;
		for (k = 1 + (unsigned)below(4); k > 0; k--)
			len = mutate(len);
		run(drv.cur, len);
		done++;
	}
	dt = now_s() - t0;
	/* Both summaries the two drivers printed before they were one. */
	printf("%s: %llu execs (%zu corpus inputs) in %.0f s, no failure\n",
	       prog, done + drv.n_inputs, drv.n_inputs, dt);
	printf("%s: %llu mutations in %.1f s (%.0f execs/s), no crash\n", prog,
	       done, dt, (double)(done + drv.n_inputs) / dt);
	return 0;
}
