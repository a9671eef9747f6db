/* SPDX-License-Identifier: BSD-3-Clause
 *
 * A stand-in for libFuzzer where the compiler is not clang: replays every
 * file of the corpus, then runs deterministic pseudo-random mutations of
 * them until a time or count limit, under ASan and UBSan.
 *
 *   fuzz_wire_driver [-t seconds] [-n mutations] [-s seed] [-T timeout]
 *                    dir|file ...
 *
 * Mutations know the wire format only a little: bit flips, random bytes,
 * big-endian fields set to edge values (0, 1, max, max-1, 2^31 ...),
 * truncation, growth, deleted and repeated runs, splices of two inputs
 * (a packet's head on another's tail, or a whole packet appended as a
 * script PACKET operation, see fuzz_ring.h), and script operations
 * inserted. A crash leaves its input in ./crash-fuzz_wire, an input that
 * runs longer than the timeout (default 10 s) in ./timeout-fuzz_wire: run
 * the driver on that file alone to replay it.
 */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fuzz_ring.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_INPUTS 4096
#define MAX_LEN    (64u << 10)

struct input {
	uint8_t *data;
	size_t   len;
};

static struct input inputs[MAX_INPUTS];
static size_t n_inputs;
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint8_t cur[2 * MAX_LEN];
static size_t cur_len;

static uint64_t rnd(void)
{
	rng ^= rng >> 12; /* xorshift64* */
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

static size_t below(size_t n)
{
	return n ? (size_t)(rnd() % n) : 0;
}

static void add_input(const uint8_t *d, size_t len)
{
	if (n_inputs >= MAX_INPUTS || len > MAX_LEN)
		return;
	inputs[n_inputs].data = malloc(len ? len : 1);
	if (inputs[n_inputs].data == NULL)
		return;
	memcpy(inputs[n_inputs].data, d, len);
	inputs[n_inputs++].len = len;
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

static void insert(size_t at, const void *p, size_t n)
{
	if (cur_len + n > sizeof(cur) || at > cur_len)
		return;
	memmove(cur + at + n, cur + at, cur_len - at);
	memcpy(cur + at, p, n);
	cur_len += n;
}

static void put_be(size_t at, uint64_t v, unsigned n)
{
	unsigned i;

	for (i = 0; i < n && at + i < cur_len; i++)
		cur[at + i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

static void mutate(void)
{
	static const uint64_t edge[] = {
		0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff,
		0x80000000, 0xffffffff, 0xfffffffe, UINT64_MAX, UINT64_MAX - 1,
		ORDO_WIRE_RTR_MAX, ORDO_WIRE_RTR_MAX + 1, ORDO_WIRE_MAX_MTU,
		ORDO_WIRE_MAX_MTU + 1, ORDO_MAX_MEMBERS, ORDO_MAX_MEMBERS + 1,
		64, 65, H_HASH,
	};
	static const unsigned widths[] = { 1, 2, 4, 8 };
	const struct input *o;
	size_t at, n, k;
	uint8_t b[3];

	switch (below(11)) {
	case 0: /* flip a bit */
		if (cur_len)
			cur[below(cur_len)] ^= (uint8_t)(1u << below(8));
		break;
	case 1: /* a random byte */
		if (cur_len)
			cur[below(cur_len)] = (uint8_t)rnd();
		break;
	case 2: /* a field to an edge value, or one off it */
	case 3:
		if (cur_len) {
			uint64_t v = edge[below(sizeof(edge) / sizeof(edge[0]))];

			v += below(3) - 1;
			put_be(below(cur_len), v, widths[below(4)]);
		}
		break;
	case 4: /* truncate */
		cur_len = below(cur_len + 1);
		break;
	case 5: /* delete a run */
		if (cur_len) {
			at = below(cur_len);
			n = 1 + below(cur_len - at < 64 ? cur_len - at : 64);
			memmove(cur + at, cur + at + n, cur_len - at - n);
			cur_len -= n;
		}
		break;
	case 6: /* repeat a run */
		if (cur_len) {
			static uint8_t tmp[512];

			k = below(cur_len);
			n = 1 + below(cur_len - k < sizeof(tmp) ? cur_len - k :
								   sizeof(tmp));
			memcpy(tmp, cur + k, n);
			insert(below(cur_len + 1), tmp, n);
		}
		break;
	case 7: /* splice: our head, another input's tail */
		o = &inputs[below(n_inputs)];
		at = below(cur_len + 1);
		k = below(o->len + 1);
		cur_len = at;
		insert(at, o->data + k, o->len - k);
		break;
	case 8: /* another input as a script packet, here */
		o = &inputs[below(n_inputs)];
		at = below(cur_len + 1);
		n = o->len < 0xffff ? o->len : 0xffff;
		b[0] = FUZZ_OP_PACKET;
		b[1] = (uint8_t)(n >> 8);
		b[2] = (uint8_t)n;
		insert(at, o->data, n);
		insert(at, b, 3);
		break;
	case 9: /* a tick, ring steps or a submit */
		b[0] = (uint8_t)rnd();
		b[1] = (uint8_t)below(0x30);
		b[2] = (uint8_t)rnd();
		insert(below(cur_len + 1), b,
		       (b[0] & 3) == FUZZ_OP_SUBMIT ? 3 : 1);
		break;
	case 10: /* grow with random bytes */
		for (n = 1 + below(32); n > 0; n--) {
			b[0] = (uint8_t)rnd();
			insert(cur_len, b, 1);
		}
		break;
	}
}

static const uint8_t *running;
static size_t running_len;

/* Async-signal-safe: save the input that crashed or hung, then die. */
static void on_crash(int sig)
{
	static const char crash[] =
		"fuzz_wire_driver: crash, input saved in crash-fuzz_wire\n";
	static const char hang[] =
		"fuzz_wire_driver: timeout, input saved in timeout-fuzz_wire\n";
	const char *msg = sig == SIGALRM ? hang : crash;
	size_t msg_len = sig == SIGALRM ? sizeof(hang) - 1 : sizeof(crash) - 1;
	int fd = open(sig == SIGALRM ? "timeout-fuzz_wire" : "crash-fuzz_wire",
		      O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd >= 0 && running != NULL) {
		if (write(fd, running, running_len) < 0) {
			/* nothing more to do in a signal handler */
		}
		close(fd);
	}
	if (write(2, msg, msg_len) < 0) {
		/* likewise */
	}
	if (sig == SIGALRM)
		sig = SIGABRT;
	signal(sig, SIG_DFL);
	raise(sig);
}

static unsigned timeout_s = 10;

static void run(const uint8_t *d, size_t n)
{
	running = d;
	running_len = n;
	alarm(timeout_s);
	LLVMFuzzerTestOneInput(d, n);
	alarm(0);
	running = NULL;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	unsigned long long max = 100000000ull, done = 0;
	double budget = 10, t0, dt;
	size_t i;
	int c;

	while ((c = getopt(argc, argv, "t:n:s:T:")) != -1) {
		switch (c) {
		case 't': budget = atof(optarg); break;
		case 'n': max = strtoull(optarg, NULL, 0); break;
		case 's': rng = strtoull(optarg, NULL, 0) | 1; break;
		case 'T': timeout_s = (unsigned)atoi(optarg); break;
		default:
			fprintf(stderr, "usage: %s [-t seconds] [-n mutations] "
				"[-s seed] [-T timeout] dir|file ...\n",
				argv[0]);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (; optind < argc; optind++)
		load(argv[optind]);
	if (n_inputs == 0)
		add_input((const uint8_t *)"", 0);
	signal(SIGSEGV, on_crash);
	signal(SIGABRT, on_crash);
	signal(SIGBUS, on_crash);
	signal(SIGFPE, on_crash);
	signal(SIGILL, on_crash);
	signal(SIGALRM, on_crash);

	t0 = now_s();
	for (i = 0; i < n_inputs; i++)
		run(inputs[i].data, inputs[i].len);
	printf("fuzz_wire_driver: replayed %zu inputs in %.2f s\n", n_inputs,
	       now_s() - t0);
	while (done < max && (done & 255 || now_s() - t0 < budget)) {
		const struct input *in = &inputs[below(n_inputs)];
		unsigned k;

		memcpy(cur, in->data, in->len);
		cur_len = in->len;
		for (k = 1 + (unsigned)below(4); k > 0; k--)
			mutate();
		run(cur, cur_len);
		done++;
	}
	dt = now_s() - t0;
	printf("fuzz_wire_driver: %llu mutations in %.1f s (%.0f execs/s), "
	       "no crash\n", done, dt, (double)(done + n_inputs) / dt);
	return 0;
}
