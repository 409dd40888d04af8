# Entry points for the two-stage pipeline. Defaults for DATA, FRAMES, BACKBONE, ARCH come from pipeline.yaml
# when not given here. Every target installs what it needs first (scripts/setup.sh is idempotent).
SWIFT_RELEASE = swift build -c release
BIN = .build/release

.PHONY: setup build test extract train clean

setup:
	scripts/setup.sh

build: setup
	$(SWIFT_RELEASE)

# The README's test command. Tests run in an optimized build: real networks are too slow in debug.
test: setup
	swift test -c release

extract: build
	$(BIN)/extract $(if $(DATA),--data $(DATA)) $(if $(FRAMES),--frames $(FRAMES)) \
	    $(if $(BACKBONE),--backbone $(BACKBONE)) $(if $(DATA_DIR),--data-dir $(DATA_DIR)) $(EXTRACT_FLAGS)

train: build
	$(BIN)/train

clean:
	rm -rf .build
