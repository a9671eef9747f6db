# The simulator's long soak (tests/sim/README.md): 100,000 seeds with
# pauses and restarts, availability judged, one seed range per core.
# SOAK_SEEDS=N for another count. Not part of `make test` (minutes).
SOAK_SEEDS ?= 100000

.PHONY: sim-soak
sim-soak: build
	bash tests/sim/soak.sh $(BUILD)/tests/sim/ordo-sim $(SOAK_SEEDS)
