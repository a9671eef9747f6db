/* SPDX-License-Identifier: BSD-3-Clause
 *
 * A small stand-in for libFuzzer, so the fuzz target also runs where the
 * compiler is not clang (and briefly under `meson test`). It replays
 * every file of the corpus directories, then runs pseudo-random
 * mutations of them (byte flips, inserts, deletes, line splices and
 * dictionary tokens) until a count or a time limit.
 *
 *   fuzz_conf_driver [-n mutations] [-t seconds] [-s seed] dir|file ...
 *
 * A crash (abort or fault: run with ASAN_OPTIONS=abort_on_error=1) leaves
 * its input in ./crash-fuzz_conf for replay. Deterministic for a given
 * seed and corpus.
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_INPUTS 4096
#define MAX_LEN    (16 * 1024)

struct input {
	uint8_t *data;
	size_t   len;
};

static struct input inputs[MAX_INPUTS];
static size_t n_inputs;
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint8_t cur[2 * MAX_LEN];
static size_t cur_len;

static const char *const dict[] = {
	"Spread_Segment", "{", "}", "=", ";", "\"", "#", "!", "\n", "\t",
	"Ordo", "Daemon", "Access", "Uid", "Gid", "Allow", "Port", "Lcores",
	"Mac", "Mtu", "Encap", "ethernet", "udp", "ClientSocket", "Hugepages",
	"IdleStrategy", "StorePackets", "MaxMessageSize", "SubmitQueueBytes",
	"TokenRetransmit", "DebugFlags", "EventPriority", "EventLogFile",
	"EventTimeStamp", "EventPreciseTimeStamp", "RuntimeDir", "DaemonUser",
	"DaemonGroup", "MaxSessionMessages", "Window", "PersonalWindow",
	"AcceleratedRing", "AcceleratedWindow", "TokenTimeout",
	"HurryTimeout", "AliveTimeout", "JoinTimeout", "RepTimeout",
	"SegTimeout", "GatherTimeout", "FormTimeout", "LookupTimeout",
	"VirtualID", "10.0.0.1", "10.0.0.2", "239.0.0.1:4803", "127.0.0.1",
	"D", "C", "M", "*", "yes", "no", "16M", "1ms", "2-5,8", "0",
	"4294967295", "65536", "02:00:00:00:00:01", "ALL", "NONE", "\\\"",
	"\xc3\xa9", "\xff", "\r", "none", "join send",
};

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
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
	inputs[n_inputs].len = len;
	n_inputs++;
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

static void load(const char *path)
{
	char sub[4096];
	struct dirent *de;
	struct stat st;
	DIR *d;

	if (stat(path, &st) < 0) {
		perror(path);
		exit(2);
	}
	if (S_ISREG(st.st_mode)) {
		load_file(path);
		return;
	}
	if (!S_ISDIR(st.st_mode))
		return;
	d = opendir(path);
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (stat(sub, &st) == 0 && S_ISREG(st.st_mode))
			load_file(sub);
	}
	closedir(d);
}

static void insert(size_t at, const void *p, size_t n)
{
	if (cur_len + n > sizeof(cur))
		return;
	memmove(cur + at + n, cur + at, cur_len - at);
	memcpy(cur + at, p, n);
	cur_len += n;
}

static void mutate(void)
{
	const struct input *other;
	size_t at, n, k;
	const char *w;

	switch (below(7)) {
	case 0: /* flip a bit */
		if (cur_len)
			cur[below(cur_len)] ^= (uint8_t)(1u << below(8));
		break;
	case 1: /* random byte */
		if (cur_len)
			cur[below(cur_len)] = (uint8_t)rnd();
		break;
	case 2: /* delete a run */
		if (cur_len) {
			at = below(cur_len);
			n = 1 + below(cur_len - at < 16 ? cur_len - at : 16);
			memmove(cur + at, cur + at + n, cur_len - at - n);
			cur_len -= n;
		}
		break;
	case 3: /* dictionary token, with a space */
	case 4:
		w = dict[below(sizeof(dict) / sizeof(dict[0]))];
		at = below(cur_len + 1);
		insert(at, w, strlen(w));
		if (below(2))
			insert(at, " ", 1);
		break;
	case 5: /* splice a piece of another input */
		other = &inputs[below(n_inputs)];
		if (other->len) {
			k = below(other->len);
			n = 1 + below(other->len - k);
			insert(below(cur_len + 1), other->data + k, n);
		}
		break;
	case 6: /* duplicate a run (repeated keys, blocks, lines) */
		if (cur_len) {
			static uint8_t tmp[256];

			k = below(cur_len);
			n = 1 + below(cur_len - k < sizeof(tmp) ? cur_len - k :
								   sizeof(tmp));
			memcpy(tmp, cur + k, n);
			insert(below(cur_len + 1), tmp, n);
		}
		break;
	}
}

static const uint8_t *running;
static size_t running_len;

/* Async-signal-safe: save the input that crashed, then die as before. */
static void on_crash(int sig)
{
	int fd = open("crash-fuzz_conf", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	static const char msg[] = "fuzz_conf_driver: crash, input saved in crash-fuzz_conf\n";

	if (fd >= 0 && running != NULL) {
		if (write(fd, running, running_len) < 0) {
			/* nothing more to do in a dying process */
		}
		close(fd);
	}
	if (write(2, msg, sizeof(msg) - 1) < 0) {
		/* idem */
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void run(const uint8_t *d, size_t n)
{
	running = d;
	running_len = n;
	LLVMFuzzerTestOneInput(d, n);
	running = NULL;
}

int main(int argc, char **argv)
{
	unsigned long long mutations = 100000, i, execs = 0;
	double seconds = 0;
	time_t start = time(NULL);
	int a, m;

	signal(SIGABRT, on_crash);
	signal(SIGSEGV, on_crash);
	signal(SIGBUS, on_crash);
	signal(SIGFPE, on_crash);
	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "-n") == 0 && a + 1 < argc)
			mutations = strtoull(argv[++a], NULL, 10);
		else if (strcmp(argv[a], "-t") == 0 && a + 1 < argc)
			seconds = strtod(argv[++a], NULL);
		else if (strcmp(argv[a], "-s") == 0 && a + 1 < argc)
			rng_state = strtoull(argv[++a], NULL, 0) | 1;
		else
			load(argv[a]);
	}
	if (n_inputs == 0) {
		fprintf(stderr, "fuzz_conf_driver: no inputs\n");
		return 2;
	}
	for (i = 0; i < n_inputs; i++, execs++)
		run(inputs[i].data, inputs[i].len);
	for (i = 0; i < mutations; i++, execs++) {
		const struct input *in = &inputs[below(n_inputs)];

		memcpy(cur, in->data, in->len);
		cur_len = in->len;
		for (m = 1 + (int)below(4); m > 0; m--)
			mutate();
		run(cur, cur_len);
		if (seconds > 0 && (i & 255) == 0 &&
		    difftime(time(NULL), start) >= seconds)
			break;
	}
	printf("fuzz_conf_driver: %llu execs (%zu corpus inputs) in %.0f s, no failure\n",
	       execs, n_inputs, difftime(time(NULL), start));
	return 0;
}
