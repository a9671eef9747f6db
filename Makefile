# Quick start: `make demo` and `make test`. Both install what is missing,
# build, then run. Everything else is in the build (meson) and in mk/*.mk.
BUILD ?= build
MESON_OPTS ?=

.PHONY: all deps build demo test bench clean
all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_OPTS)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

test: build
	bash scripts/test.sh $(BUILD)

demo: build
	bash scripts/demo.sh $(BUILD)

bench: build
	bash scripts/bench.sh $(BUILD)

clean:
	rm -rf $(BUILD)

# Areas add their own targets (lab-check, client-check, ...) here.
-include $(wildcard mk/*.mk)
