# Lab targets (tests/lab/): N ordod processes on this machine, joined by
# veth pairs on a bridge in namespaces (PORT=afpacket|afxdp) or a memif mesh
# (PORT=memif). Root only; everything is torn down afterwards.
#
#   make lab-check NODES=3 PORT=afpacket MSGS=100000 SIZE=1024
#   make lab-kill  NODES=3 PORT=afpacket     (a node SIGKILLed mid-traffic)
#   make lab-bench NODES=3 PORT=afpacket     (testpmd baseline + ring)
#   make lab-memif-crash ROUNDS=10           (peer SIGKILLed mid-traffic)
#   make lab-misuse                          (clear errors, non-zero exits)
#   make client-check                        (clients on a 3-node lab: libordo
#                                             and sp.h, groups, every service,
#                                             leave / SIGKILL / node loss)
#   make lab-key-rotation                    (the ring's key changes under
#                                             traffic: nothing lost, no ring
#                                             change; docs/security.md)
#   make lab-workers                         (3 nodes with clients, with 0, 1
#                                             and 2 worker lcores (crypto/io,
#                                             then clients): order, the ring
#                                             lcore's cycles;
#                                             SIZES="64 1024" SECS=5)
#   make lab-rx-queues                       (two rx queues per port, the
#                                             second owned by an rx worker
#                                             lcore: order, frames per queue;
#                                             then the key rotation on it)
#   make client-check-cworker                (client-check with a client
#                                             worker lcore on every node)
#   make lab-bigmsg                          (1..16 MiB messages between 3
#                                             nodes, default and 64 KiB rings)
#   make lab-flush                           (the flush library on 3 nodes:
#                                             joins, kills mid-flush, leaves;
#                                             ROUNDS rounds, 10)
#   make metrics-check                       (a real Prometheus scrapes a
#                                             3-node lab: targets, ring size,
#                                             counters that move)
#   make lab-lcores                          (every lcore's cost counters on
#                                             2 nodes with both workers:
#                                             ordoctl counters, telemetry,
#                                             /metrics (promtool), ordo-perf)
#   make lab-hostile CRYPTO=off              (a hostile host on the LAN while
#                                             clients order: issue 11)
#   make python-check                        (the Python binding and a C
#                                             client in one group, 3 nodes)
#   make lab-all                             (all of the above, every PORT)
#   make lab-faults                          (membership under faults: cut,
#                                             flap, stop, kill, loss on 3
#                                             and 5 nodes, 3 runs; ~8 min;
#                                             SIZES=3 RUNS=1: ~40 s)
#   make lab-timers                          (do the membership timers hold
#                                             here? LAB_TIMEOUTS="" IDLE=spin)
NODES ?= 3
PORT ?= afpacket
MSGS ?= 100000
SIZE ?= 1024
ROUNDS ?= 10
LAB_ENV = ORDOD=$(abspath $(BUILD))/dataplane/ordod NODES=$(NODES) PORT=$(PORT) \
	MSGS=$(MSGS) SIZE=$(SIZE) ROUNDS=$(ROUNDS)

.PHONY: lab-check lab-kill lab-bench lab-memif-crash lab-misuse lab-all \
	client-check client-check-cworker lab-key-rotation lab-bigmsg metrics-check lab-faults lab-timers \
	lab-hostile python-check lab-flush lab-workers lab-lcores lab-rx-queues
lab-check: build
	$(LAB_ENV) bash tests/lab/lab-check.sh
lab-kill: build
	$(LAB_ENV) bash tests/lab/lab-kill.sh
lab-bench: build
	$(LAB_ENV) bash tests/lab/bench.sh
lab-memif-crash: build
	$(LAB_ENV) bash tests/lab/memif-crash.sh
lab-misuse: build
	$(LAB_ENV) bash tests/lab/misuse.sh
lab-all: build
	$(LAB_ENV) bash tests/lab/misuse.sh
	for p in afpacket afxdp memif; do \
		$(LAB_ENV) PORT=$$p bash tests/lab/lab-check.sh || exit 1; done
	$(LAB_ENV) bash tests/lab/memif-crash.sh
	$(LAB_ENV) bash tests/lab/lab-kill.sh
# lab-hostile runs both: crypto on (nothing accepted) and off (CRYPTO=on or
# CRYPTO=off runs one).
CRYPTO ?= on off
lab-hostile: build
	for c in $(CRYPTO); do \
		BUILD_DIR=$(abspath $(BUILD)) CRYPTO=$$c bash tests/lab/hostile.sh || exit 1; \
	done
client-check: build
	BUILD_DIR=$(abspath $(BUILD)) ORDOD=$(abspath $(BUILD))/dataplane/ordod \
		bash tests/lab/client-check.sh
client-check-cworker: build
	BUILD_DIR=$(abspath $(BUILD)) ORDOD=$(abspath $(BUILD))/dataplane/ordod \
		ORDOD_ARGS="--workers 2" LAB_LCORES="0@(0,1),1@(0,1),2@(0,1),3@(0,1)" \
		bash tests/lab/client-check.sh
lab-key-rotation: build
	BUILD_DIR=$(abspath $(BUILD)) ORDOD=$(abspath $(BUILD))/dataplane/ordod \
		bash tests/lab/key-rotation.sh
lab-workers: build
	BUILD_DIR=$(abspath $(BUILD)) ORDOD=$(abspath $(BUILD))/dataplane/ordod \
		bash tests/lab/workers.sh
lab-rx-queues: build
	BUILD_DIR=$(abspath $(BUILD)) ORDOD=$(abspath $(BUILD))/dataplane/ordod \
		bash tests/lab/rx-queues.sh
	BUILD_DIR=$(abspath $(BUILD)) ORDOD=$(abspath $(BUILD))/dataplane/ordod \
		LAB_CONFIG=$(abspath config/lab/afpacket3-rxq.conf) \
		LAB_LCORES="0@(0,1),1@(0,1),2@(0,1),3@(0,1)" \
		bash tests/lab/key-rotation.sh
lab-bigmsg: build
	BUILD_DIR=$(abspath $(BUILD)) ORDOD=$(abspath $(BUILD))/dataplane/ordod \
		bash tests/lab/bigmsg.sh
metrics-check: build
	BUILD_DIR=$(abspath $(BUILD)) ORDOD=$(abspath $(BUILD))/dataplane/ordod \
		bash tests/lab/metrics-check.sh
lab-lcores: build
	BUILD_DIR=$(abspath $(BUILD)) ORDOD=$(abspath $(BUILD))/dataplane/ordod \
		bash tests/lab/lcores-check.sh
lab-flush: build
	BUILD_DIR=$(abspath $(BUILD)) ORDOD=$(abspath $(BUILD))/dataplane/ordod \
		ROUNDS=$(ROUNDS) bash tests/lab/flush.sh
# Issue 12: SIZES, RUNS, FAULTS, AVAILABILITY=report, LAB_LOCK, LAB_KEEP
# pass through (tests/lab/lab-faults.sh).
lab-faults: build
	BUILD_DIR=$(abspath $(BUILD)) ORDOD=$(abspath $(BUILD))/dataplane/ordod \
		bash tests/lab/lab-faults.sh
lab-timers: build
	BUILD_DIR=$(abspath $(BUILD)) ORDOD=$(abspath $(BUILD))/dataplane/ordod \
		bash tests/lab/lab-timers.sh
python-check: build
	BUILD_DIR=$(abspath $(BUILD)) ORDOD=$(abspath $(BUILD))/dataplane/ordod \
		bash tests/lab/python-check.sh

# Issue 6: ordo next to Corosync and testpmd on the same lab (tests/lab/compare.sh).
# ordo runs on the port its testpmd baseline measures (PORT=afpacket|afxdp),
# sealed and in the clear; Corosync with and without knet crypto (issues 11, 14).
.PHONY: bench-compare
bench-compare: build
	BUILD_DIR=$(abspath $(BUILD)) ORDOD=$(abspath $(BUILD))/dataplane/ordod \
		bash tests/lab/compare.sh
