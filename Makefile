# Entry points of the two-stage pipeline. Unset variables fall back to pipeline.yaml.
#   make setup                                  install system packages, fetch weights (idempotent)
#   make demo [BACKBONE=efficientnet-lite2]     build the demo dataset and run the pipeline on it
#   make extract DATA=CelebDF FRAMES=32 [BACKBONE=xception] [WEIGHTS=my.pth] [DATA_DIR=/path] [CROP=face|center-crop] [SHARD=I/N]
#   make merge DATA=CelebDF FRAMES=32 [BACKBONE=...] [WEIGHTS=...] [CROP=...] [COPY=1]   join the shard caches into the cache
#   make faces DATA=CelebDF FRAMES=32 [PREVIEW=1] [SHARD=I/N]   face tracks only (MTCNN), with a contact sheet of the crops
#   make train DATA=CelebDF FRAMES=32 ARCH=gru2-fc2 [CROP=face] [LR=1e-3] [EPOCHS=100] [SEED=42] [SEEDS=3] [FOLDS=5] [BACKBONE=...]
#   make sweep [DATA=DFD] [FRAMES=16,32] [ARCH=gru1-fc1,gru2-fc2] [BACKBONE=..] [CROP=..] [SEEDS=3]  pipeline.yaml's sweep grid
#   make predict MODEL=results/.../model.h5 VIDEO=clip.mp4 [JSON=1] [PER_FRAME=1] [REPORT=x.html] [LABELS=labels.csv]
#   make evaluate MODEL=results/.../model.h5 DATA=demo2 [SPLIT=all|test]   score a head on another dataset (cross-dataset)
#   make demo2-data                             a second demo dataset, made the same way from other footage
#   make backbones                              list the backbones and where each weight file comes from
#   make test                                   the test suite (optimized build)
#   make fuzz [FUZZ_SECONDS=600] [FUZZ_SEED=n]   mutation-fuzz the checkpoint reader for longer than `make test` does
#   make slurm-extract DATA= FRAMES= SHARDS=16 [PARTITION= TIME= MEM= CPUS=]   a Slurm array + merge job (docs/scale-out.md)
#   make slurm-sweep DATA= [ARCHS=] [SEEDS=3] SHARDS=8 [AFTER=jobid]   the sweep grid as a Slurm array + leaderboard job
BIN := .build/release

# A variable given on the command line that the target does not read stops make, naming what it reads.
USES_extract := DATA FRAMES BACKBONE WEIGHTS DATA_DIR CROP BATCH METHODS COMPRESSION SAMPLING FACE_SCALE DETECT_MAX_SIDE NO_FACE SHARD
USES_merge := DATA FRAMES BACKBONE WEIGHTS CROP COPY
USES_faces := DATA FRAMES DATA_DIR SAMPLING FACE_SCALE DETECT_MAX_SIDE NO_FACE PREVIEW SHARD
USES_train := DATA FRAMES BACKBONE DATA_DIR CROP ARCH LR EPOCHS SEED BATCH SEEDS FOLDS
USES_sweep := DATA DATA_DIR EPOCHS FRAMES ARCH BACKBONE CROP SEEDS
USES_predict := MODEL VIDEO WEIGHTS JSON PER_FRAME REPORT LABELS
USES_evaluate := MODEL DATA SPLIT DATA_DIR
USES_leaderboard := DATA
USES_demo := BACKBONE
CHECKED_VARS := $(sort $(foreach goal,extract merge faces train sweep predict evaluate leaderboard demo,$(USES_$(goal))) LR SEED)
$(foreach goal,$(filter $(MAKECMDGOALS),extract merge faces train sweep predict evaluate leaderboard demo),\
  $(foreach var,$(filter-out $(USES_$(goal)),$(CHECKED_VARS)),$(if $(filter command line,$(origin $(var))),\
    $(error make $(goal) does not use $(var)=$($(var)) (it reads $(USES_$(goal))): drop $(var), or set it in pipeline.yaml or with the target that reads it))))
# One build configuration for binaries and tests (testable imports on), so `make test` and `make extract` share it.
SWIFT_BUILD := swift build -c release -Xswiftc -enable-testing
DEMO_DIR := data/demo

.PHONY: setup build test fuzz demo demo-data demo2-data extract merge faces train sweep predict evaluate backbones leaderboard clean help

help:
	@sed '/^BIN :=/,$$d' Makefile | sed 's/^# \{0,1\}//'

# Re-checked every time (it is quick when all is there), so a fresh machine never misses a step.
setup:
	scripts/setup.sh

build: setup
	$(SWIFT_BUILD)

# The README's test command. Tests run in an optimized build: real networks are too slow in debug.
test: setup
	$(SWIFT_BUILD) --build-tests
	swift test -c release --skip-build
	scripts/slurm/cluster-test.sh

# The checkpoint reader on seeded mutations of its corpus; a crash leaves its input in .build/fuzz/current.pt.
FUZZ_SECONDS ?= 600
fuzz: setup
	$(SWIFT_BUILD) --build-tests
	FUZZ_SECONDS=$(FUZZ_SECONDS) $(if $(FUZZ_SEED),FUZZ_SEED=$(FUZZ_SEED)) \
	    swift test -c release --skip-build --filter CheckpointFuzzTests/mutatedCheckpointsLoadOrFailCleanly

demo-data: setup
	@[ -d $(DEMO_DIR) ] || python3 scripts/make_demo_data.py --out $(DEMO_DIR)

# The same clips and manipulation from other footage (pan-and-zoom clips of photos), for `make evaluate DATA=demo2`.
demo2-data: setup
	@[ -d data/demo2 ] || python3 scripts/make_demo_data.py --sources photos --pairs 20 --out data/demo2

# The whole pipeline on the built-in demo: extract, three heads, leaderboard + report.html.
DEMO_ARCHS := gru1-fc1,gru2-fc2,gru3-bn-fc2
# BACKBONE=efficientnet-lite2 (any backbone whose weights are in models/) runs it on another CNN.
demo: build demo-data
	$(BIN)/extract --data demo --frames 16 $(if $(BACKBONE),--backbone $(BACKBONE))
	$(BIN)/train sweep --data demo --frames 16 --archs $(DEMO_ARCHS) --epochs 60 $(if $(BACKBONE),--backbones $(BACKBONE))
	@echo "demo: open results/demo/report.html"

extract: build
	$(BIN)/extract $(if $(DATA),--data $(DATA)) $(if $(FRAMES),--frames $(FRAMES)) \
	    $(if $(BACKBONE),--backbone $(BACKBONE)) $(if $(WEIGHTS),--weights $(WEIGHTS)) $(if $(DATA_DIR),--data-dir $(DATA_DIR)) \
	    $(if $(CROP),--crop $(CROP)) $(if $(BATCH),--batch-size $(BATCH)) \
	    $(if $(METHODS),--methods $(METHODS)) $(if $(COMPRESSION),--compression $(COMPRESSION)) \
	    $(if $(SAMPLING),--sampling $(SAMPLING)) $(if $(SHARD),--shard $(SHARD)) $(FACE_FLAGS)

# make merge DATA=CelebDF FRAMES=32 [BACKBONE=...] [CROP=...] [COPY=1]: join the shard caches of `make extract SHARD=I/N`
merge: build
	$(BIN)/extract merge $(if $(DATA),--data $(DATA)) $(if $(FRAMES),--frames $(FRAMES)) \
	    $(if $(BACKBONE),--backbone $(BACKBONE)) $(if $(WEIGHTS),--weights $(WEIGHTS)) $(if $(CROP),--crop $(CROP)) \
	    $(if $(filter-out 0,$(COPY)),--copy)

FACE_FLAGS = $(if $(FACE_SCALE),--face-scale $(FACE_SCALE)) $(if $(DETECT_MAX_SIDE),--detect-max-side $(DETECT_MAX_SIDE)) \
	$(if $(NO_FACE),--no-face $(NO_FACE))

# make faces DATA=CelebDF FRAMES=32 [PREVIEW=1]: cache/<DATA>/faces_f<FRAMES>.h5 (and faces_f<FRAMES>.preview.png)
faces: build
	$(BIN)/extract faces $(if $(DATA),--data $(DATA)) $(if $(FRAMES),--frames $(FRAMES)) \
	    $(if $(DATA_DIR),--data-dir $(DATA_DIR)) $(if $(SAMPLING),--sampling $(SAMPLING)) $(FACE_FLAGS) \
	    $(if $(filter-out 0,$(PREVIEW)),--preview) $(if $(SHARD),--shard $(SHARD))

TRAIN_FLAGS = $(if $(DATA),--data $(DATA)) $(if $(FRAMES),--frames $(FRAMES)) $(if $(BACKBONE),--backbone $(BACKBONE)) \
	$(if $(DATA_DIR),--data-dir $(DATA_DIR)) $(if $(CROP),--crop $(CROP))

train: build
	$(BIN)/train fit $(TRAIN_FLAGS) $(if $(ARCH),--arch $(ARCH)) $(if $(LR),--lr $(LR)) $(if $(EPOCHS),--epochs $(EPOCHS)) \
	    $(if $(SEED),--seed $(SEED)) $(if $(BATCH),--batch-size $(BATCH)) $(if $(SEEDS),--seeds $(SEEDS)) $(if $(FOLDS),--folds $(FOLDS))

sweep: build
	$(BIN)/train sweep $(if $(DATA),--data $(DATA)) $(if $(DATA_DIR),--data-dir $(DATA_DIR)) $(if $(EPOCHS),--epochs $(EPOCHS)) \
	    $(if $(FRAMES),--frames $(FRAMES)) $(if $(ARCH),--archs $(ARCH)) $(if $(BACKBONE),--backbones $(BACKBONE)) \
	    $(if $(CROP),--crop $(CROP)) $(if $(SEEDS),--seeds $(SEEDS))

# make predict MODEL=results/DFD/mobilenetv2_f32/gru2-fc2/model.h5 VIDEO=some.mp4 (or a folder)
#   [JSON=1] [PER_FRAME=1] [REPORT=out.html] [LABELS=labels.csv]; stdout carries only the result (JSON=1: only JSON)
PREDICT_ARGS = --model $(MODEL) $(if $(WEIGHTS),--weights $(WEIGHTS)) $(if $(filter-out 0,$(JSON)),--json) \
    $(if $(filter-out 0,$(PER_FRAME)),--per-frame) $(if $(REPORT),--report $(REPORT)) $(if $(LABELS),--labels $(LABELS))
predict:
	@[ -n "$(MODEL)" ] && [ -n "$(VIDEO)" ] || { echo "usage: make predict MODEL=path/to/model.h5 VIDEO=video-or-folder [JSON=1] [PER_FRAME=1] [REPORT=out.html] [LABELS=labels.csv]" >&2; exit 2; }
	@$(MAKE) --no-print-directory build >&2
	@echo "$(BIN)/predict $(PREDICT_ARGS) $(VIDEO)" >&2
	@$(BIN)/predict $(PREDICT_ARGS) $(VIDEO)

# make evaluate MODEL=results/demo/mobilenetv2_f16/gru1-fc1/model.h5 DATA=demo2 [SPLIT=all|test]: writes
# <run>/eval/<DATA>/ and the cross-dataset table of the model's report (default SPLIT: test at home, all elsewhere)
evaluate: build $(if $(filter demo2,$(DATA)),demo2-data)
	@[ -n "$(MODEL)" ] && [ -n "$(DATA)" ] || { echo "usage: make evaluate MODEL=path/to/model.h5 DATA=dataset [SPLIT=all|test]"; exit 2; }
	$(BIN)/train evaluate --model $(MODEL) --data $(DATA) $(if $(SPLIT),--split $(SPLIT)) $(if $(DATA_DIR),--data-dir $(DATA_DIR))

backbones: build
	$(BIN)/extract backbones

leaderboard: build
	$(BIN)/train leaderboard $(if $(DATA),--data $(DATA))

clean:
	rm -rf .build

# make bench [BENCH_QUICK=1]: this project against ONNX Runtime, TF-Keras, OpenCV and numpy on this machine,
# ratios in one table (bench/README.md). ~5 min after the first run (quick ~2 min); never part of `make test` or CI.
.PHONY: bench
bench: setup
	$(SWIFT_BUILD)
	bench/setup-venv.sh
	python3 bench/run.py $(if $(filter-out 0,$(BENCH_QUICK)),--quick)

# Sharded steps on Slurm (scripts/slurm/submit.sh reads these make variables); the cluster must see this folder.
.PHONY: slurm-extract slurm-sweep
slurm-extract slurm-sweep: build
	scripts/slurm/submit.sh $(@:slurm-%=%)
