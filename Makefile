# Entry points of the two-stage pipeline. Unset variables fall back to pipeline.yaml.
#   make setup                                  install system packages, fetch weights (idempotent)
#   make demo                                   build the demo dataset and run the pipeline on it
#   make extract DATA=CelebDF FRAMES=32 [BACKBONE=efficientnet-lite0] [DATA_DIR=/path] [CROP=center-crop]
#   make test                                   the test suite (optimized build)
BIN := .build/release
# One build configuration for binaries and tests (testable imports on), so `make test` and `make extract` share it.
SWIFT_BUILD := swift build -c release -Xswiftc -enable-testing
SETUP_STAMP := .build/.setup-done
DEMO_DIR := data/demo

.PHONY: setup build test demo demo-data extract train clean help

help:
	@sed -n '1,6p' Makefile | sed 's/^# \{0,1\}//'

# Re-checked every time (it is quick when all is there), so a fresh machine never misses a step.
setup:
	scripts/setup.sh

build: setup
	$(SWIFT_BUILD)

# The README's test command. Tests run in an optimized build: real networks are too slow in debug.
test: setup
	$(SWIFT_BUILD) --build-tests
	swift test -c release --skip-build

demo-data: setup
	@[ -d $(DEMO_DIR) ] || python3 scripts/make_demo_data.py --out $(DEMO_DIR)

demo: build demo-data
	$(BIN)/extract --data demo --frames 16

extract: build
	$(BIN)/extract $(if $(DATA),--data $(DATA)) $(if $(FRAMES),--frames $(FRAMES)) \
	    $(if $(BACKBONE),--backbone $(BACKBONE)) $(if $(DATA_DIR),--data-dir $(DATA_DIR)) \
	    $(if $(CROP),--crop $(CROP)) $(if $(BATCH),--batch-size $(BATCH))

train: build
	$(BIN)/train

clean:
	rm -rf .build

# make bench [BENCH_QUICK=1]: this project against ONNX Runtime, TF-Keras, OpenCV and numpy on this machine,
# ratios in one table (bench/README.md). ~15 min (quick ~2 min); never part of `make test` or CI.
.PHONY: bench
bench: setup
	$(SWIFT_BUILD)
	bench/setup-venv.sh
	python3 bench/run.py $(if $(filter-out 0,$(BENCH_QUICK)),--quick)
