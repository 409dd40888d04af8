import ArgumentParser
import Extract
import Foundation
import Shared
import Train

struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train GRU/FC heads on cached embedding sequences, evaluate them and keep the best.",
        discussion: """
        `train fit` (the default) trains one head on cache/<DATA>/<backbone>_f<FRAMES>.h5 (extracting it first
        if it is missing) and writes results/<DATA>/<backbone>_f<FRAMES>/<ARCH>/. `train sweep` runs the grid
        of pipeline.yaml's sweep section. Both update results/<DATA>/leaderboard.{csv,md} and report.html.

        \(ArchitectureGrammar.summary)
        """,
        version: ToolVersion.string,
        subcommands: [Fit.self, Sweep.self, LeaderboardCommand.self, Compare.self, Evaluate.self],
        defaultSubcommand: Fit.self)
}

/// Folders and the defaults file, shared by every subcommand.
struct PathOptions: ParsableArguments {
    @Option(help: "Folder that holds the dataset folders.\(note("paths.data_dir") { $0.paths.dataDir })") var dataDir: String?
    @Option(help: "Folder for the embedding caches.\(note("paths.cache_dir") { $0.paths.cacheDir })") var cacheDir: String?
    @Option(help: "Folder for trained heads, metrics and leaderboards.\(note("paths.results_dir") { $0.paths.resultsDir })")
    var resultsDir: String?
    @Option(help: "Folder with the pretrained weight files.\(note("paths.models_dir") { $0.paths.modelsDir })") var modelsDir: String?
    @Option(help: "Pipeline defaults file (default: ./pipeline.yaml when present, else built-in defaults); it must exist when given.")
    var config: String?

    func loadConfig() throws -> PipelineConfig { try PipelineConfig.resolve(path: config).config }
    func url(_ value: String?, _ fallback: String) -> URL { URL(fileURLWithPath: value ?? fallback, isDirectory: true) }
}

/// " (default: 32 from pipeline.yaml extract.frames)": the default an option falls back to, as resolved now.
func note<T>(_ key: String, _ value: (PipelineConfig) -> T) -> String { ConfigHelp.note(key, value(ConfigHelp.current.config)) }

/// Loads the cache for (dataset, backbone, crop, frames), extracting it first when it is missing.
func loadCache(dataset: String, backbone: String, crop: String, frames: Int, paths: PathOptions,
               config: PipelineConfig, extractIfMissing: Bool = true) async throws -> CachedTrainingSet {
    guard let kind = BackboneKind(rawValue: backbone.lowercased()) else {
        throw PipelineError("unknown backbone '\(backbone)': choose one of \(BackboneKind.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    guard let cropPolicy = CropPolicy(rawValue: crop) else {
        throw PipelineError("unknown crop '\(crop)': choose one of \(CropPolicy.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    let cacheDirectory = paths.url(paths.cacheDir, config.paths.cacheDir)
    let cacheURL = ExtractionRequest.cacheURL(cacheDirectory: cacheDirectory, dataset: dataset, backbone: kind,
                                              crop: cropPolicy, frames: frames)
    if !FileManager.default.fileExists(atPath: cacheURL.path) {
        guard extractIfMissing else {
            throw PipelineError("\(cacheURL.path) is missing: extract it first (make extract, or make slurm-extract on a cluster)")
        }
        printError("train: \(cacheURL.path) is missing: extracting it first")
        var request = ExtractionRequest(
            dataset: dataset, dataDirectory: paths.url(paths.dataDir, config.paths.dataDir), cacheDirectory: cacheDirectory,
            modelsDirectory: paths.url(paths.modelsDir, config.paths.modelsDir), frames: frames, backbone: kind,
            crop: cropPolicy, batchSize: config.extract.batchSize)
        request.faceScale = config.extract.faceScale
        print(try await ExtractionRun(request: request).run().line)
    }
    return try CachedTrainingSet(cacheURL: cacheURL, backbone: kind.rawValue, crop: cropPolicy.rawValue, frames: frames)
}

/// Runs `body`, turning diagnosed errors into one line on stderr and a non-zero exit.
func reportingErrors(_ command: String, _ body: () async throws -> Void) async throws {
    do { try await body() } catch let error as DiagnosedError {
        printError("\(command): error: \(error)")
        throw ExitCode.failure
    }
}

struct Fit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Train one head (the default subcommand).")

    @Option(help: "Dataset name: the folder <data-dir>/<name>/.\(note("extract.dataset") { $0.extract.dataset })") var data: String?
    @Option(help: "Frames per video (picks the cache).\(note("extract.frames") { $0.extract.frames })") var frames: Int?
    @Option(help: "Backbone whose embeddings to use (picks the cache).\(note("extract.backbone") { $0.extract.backbone })")
    var backbone: String?
    @Option(help: "Crop the embeddings were made from: whole-frame, center-crop or face (picks the cache).\(note("extract.crop") { $0.extract.crop })") var crop: String?
    @Option(help: "Head architecture, e.g. gru2-fc2 (see `train --help` for the grammar).\(note("train.arch") { $0.train.arch })")
    var arch: String?
    @Option(help: "Adam learning rate (the notebook's 1e-5 converges far more slowly).\(note("train.learning_rate") { $0.train.learningRate })") var lr: Double?
    @Option(help: "Maximum epochs.\(note("train.epochs") { $0.train.epochs })") var epochs: Int?
    @Option(help: "Videos per minibatch.\(note("train.batch_size") { $0.train.batchSize })") var batchSize: Int?
    @Option(help: "Seed for the split, initial weights, shuffling and dropout.\(note("train.seed") { $0.train.seed })") var seed: Int?
    @Option(help: "Early-stopping patience in epochs (0: train every epoch; the best weights are kept anyway).\(note("train.patience") { $0.train.patience })") var patience: Int?
    @Option(help: "Decoupled weight decay (AdamW style).") var weightDecay: Double = 0
    @Option(help: "Learning-rate schedule: constant, step:<factor>:<every>, plateau:<factor>:<patience>.") var schedule: String = "constant"
    @Flag(help: "Skip per-feature standardization (raw CNN features, as the notebook did).\(note("train.standardize") { $0.train.standardize })") var noStandardize = false
    @Flag(help: "Do not weight the loss by inverse class frequency.") var noClassWeights = false
    @Flag(help: "Train again even if identical results exist (same request, same cache contents), replacing them.") var force = false
    @Option(help: "Train the configuration with this many seeds: --seed, --seed + 1, ...; the leaderboard aggregates them (mean ± std).")
    var seeds: Int = 1
    @Option(help: "K-fold cross-validation: K runs, each testing one fold (grouped, stratified, from the seed); prints mean ± std and writes cv.json.")
    var folds: Int?
    @OptionGroup var paths: PathOptions

    func run() async throws {
        try await reportingErrors("train") {
            let config = try paths.loadConfig()
            let request = TrainingRequest(
                dataset: data ?? config.extract.dataset, backbone: (backbone ?? config.extract.backbone).lowercased(),
                frames: frames ?? config.extract.frames, crop: crop ?? config.extract.crop,
                architecture: arch ?? config.train.arch,
                learningRate: lr ?? config.train.learningRate, epochs: epochs ?? config.train.epochs,
                batchSize: batchSize ?? config.train.batchSize, seed: seed ?? config.train.seed,
                standardize: noStandardize ? false : config.train.standardize, patience: patience ?? config.train.patience,
                weightDecay: weightDecay, schedule: schedule, balanceClasses: !noClassWeights)
            _ = try request.trainingConfiguration()
            _ = try ArchitectureGrammar.parse(request.architecture)
            let seedList = try SeedRepeats.seeds(from: request.seed, count: seeds)
            let foldList = try folds.map(FoldChoice.all)
            let cache = try await loadCache(dataset: request.dataset, backbone: request.backbone, crop: request.crop,
                                            frames: request.frames, paths: paths, config: config)
            if let folds { _ = try CrossValidationFolds(cache: cache, count: folds, seed: UInt64(truncatingIfNeeded: request.seed)) }
            let resultsDirectory = paths.url(paths.resultsDir, config.paths.resultsDir)
            var outcomes: [TrainingRun.Outcome] = []
            for each in SeedRepeats.requests(request, seeds: seedList, folds: foldList) {
                outcomes.append(try TrainingRun(request: each, resultsDirectory: resultsDirectory).run(cache: cache, force: force))
                print(outcomes.last!.line)
            }
            try summarize(outcomes, seeds: seedList, resultsDirectory: resultsDirectory)
            try ResultsReport.update(dataset: request.dataset, resultsDirectory: resultsDirectory)
        }
    }
}

extension Fit {
    /// With folds, each seed's cv.json and line; with several seeds, the runs' mean ± std.
    private func summarize(_ outcomes: [TrainingRun.Outcome], seeds: [Int], resultsDirectory: URL) throws {
        if folds != nil {
            for seed in seeds {
                let summary = try CrossValidationSummary(outcomes: outcomes.filter { $0.metrics.request.seed == seed })
                let written = try summary.write(resultsDirectory: resultsDirectory)
                print(summary.line + " -> " + written.path)
            }
        }
        guard seeds.count > 1 else { return }
        let runs = outcomes.map { (directory: CrossValidationSummary.relative($0.folder), metrics: $0.metrics) }
        for row in SeedAggregate(runs: runs).rows { print(row.line) }
    }
}

struct Sweep: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train every combination in pipeline.yaml's sweep section, skipping runs that already have results.")

    @Option(help: "Only these datasets (comma-separated) instead of the sweep's list.\(note("sweep.datasets") { $0.sweep.datasets })")
    var data: String?
    @Option(help: "These frame counts (comma-separated) instead of the sweep's list.\(note("sweep.frames") { $0.sweep.frames })")
    var frames: String?
    @Option(help: "These backbones (comma-separated) instead of the sweep's list.\(note("sweep.backbones") { $0.sweep.backbones })")
    var backbones: String?
    @Option(help: "These architectures (comma-separated) instead of the sweep's list.\(note("sweep.archs") { $0.sweep.archs })")
    var archs: String?
    @Option(help: "Crop the embeddings were made from: whole-frame, center-crop or face.\(note("extract.crop") { $0.extract.crop })")
    var crop: String?
    @Option(help: "Maximum epochs per run.\(note("train.epochs") { $0.train.epochs })") var epochs: Int?
    @Option(help: "Heads trained at once, one GEMM thread each (default: one per core); results equal one-at-a-time runs.")
    var jobs: Int = availableCores
    @Option(help: "Train only shard I of N of the grid (0-based, e.g. 0/4); inside a Slurm array job the default is SLURM_ARRAY_TASK_ID of SLURM_ARRAY_TASK_COUNT. Shards need their caches extracted already.")
    var shard: String?
    @Option(help: "Train every configuration with this many seeds, train.seed, train.seed + 1, ... (as `train fit --seeds`), instead of the sweep's seeds list.\(note("sweep.seeds") { $0.sweep.seeds })")
    var seeds: Int?
    @OptionGroup var paths: PathOptions

    func run() async throws {
        try await reportingErrors("sweep") {
            let config = try paths.loadConfig()
            var sweep = config.sweep
            func list(_ text: String?) -> [String]? { text.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } }
            let datasets = list(data) ?? sweep.datasets
            sweep.archs = list(archs) ?? sweep.archs
            if let seeds { sweep.seeds = try SeedRepeats.seeds(from: config.train.seed, count: seeds) }
            if let given = list(frames) {
                sweep.frames = try given.map { text in
                    guard let value = Int(text) else { throw PipelineError("--frames '\(text)' is not a number") }
                    return value
                }
            }
            guard !datasets.isEmpty, !sweep.archs.isEmpty else {
                throw PipelineError("the sweep section of \(paths.config ?? PipelineConfig.defaultFile) needs at least one dataset and one arch")
            }
            for arch in sweep.archs { _ = try ArchitectureGrammar.parse(arch) }
            let grid = SweepGrid(
                datasets: datasets, frameCounts: sweep.frames.isEmpty ? [config.extract.frames] : sweep.frames,
                backbones: list(self.backbones) ?? (sweep.backbones.isEmpty ? [config.extract.backbone] : sweep.backbones),
                archs: sweep.archs, seeds: sweep.seeds, learningRates: sweep.learningRates)
            let template = TrainingRequest(
                dataset: "", backbone: "", frames: 0, crop: crop ?? config.extract.crop, architecture: "",
                learningRate: 0, epochs: epochs ?? config.train.epochs, batchSize: config.train.batchSize,
                seed: 0, standardize: config.train.standardize, patience: config.train.patience)
            let all = grid.requests(template: template)
            let shard = try self.shard.map(SweepShard.parse) ?? SweepShard.fromEnvironment(ProcessInfo.processInfo.environment)
            let mine = shard.map { Array(all[$0.range(of: all.count)]) } ?? all
            if let shard {
                let range = shard.range(of: all.count)
                print("sweep: shard \(shard): " + (range.isEmpty ? "no runs" : "runs \(range.lowerBound + 1)-\(range.upperBound)") + " of \(all.count)")
            }
            try await run(mine, shard: shard, config: config)
        }
    }

    /// Trains `requests` cache by cache, then updates the leaderboard of every dataset they touched.
    private func run(_ requests: [TrainingRequest], shard: SweepShard?, config: PipelineConfig) async throws {
        let resultsDirectory = paths.url(paths.resultsDir, config.paths.resultsDir)
        var done = 0
        for group in SweepGrid.groupedByCache(requests) {
            let first = group[0]
            // Shards of one array would extract a missing cache all at once: they require it instead.
            let cache = try await loadCache(dataset: first.dataset, backbone: first.backbone, crop: first.crop,
                                            frames: first.frames, paths: paths, config: config, extractIfMissing: shard == nil)
            try await Self.train(group, cache: cache, resultsDirectory: resultsDirectory, jobs: jobs) { line in
                done += 1
                print("[\(done)/\(requests.count)] " + line)
            }
        }
        var datasets: [String] = []
        for request in requests where !datasets.contains(request.dataset) { datasets.append(request.dataset) }
        for dataset in datasets {
            let board = try ResultsReport.update(dataset: dataset, resultsDirectory: resultsDirectory)
            print("\n" + board.markdown())
            if let best = board.best {
                print(String(format: "sweep: %@: best by validation AUC is %@ (val AUC %.3f); its test AUC is %.3f, test accuracy %.3f",
                             dataset, best.runDirectory, best.valAUC, best.testAUC, best.testAccuracy))
            }
            print("sweep: \(dataset): leaderboard and report in \(RunFolder.datasetResults(resultsDirectory, dataset: dataset).path)/")
        }
        if shard != nil { print("sweep: other shards may still be running: `make leaderboard` collects every finished run") }
    }
}

extension Sweep {
    /// Trains `requests` with up to `jobs` at once; each run is seeded on its own, so the results equal a
    /// one-at-a-time sweep (run folders are claimed atomically, see `RunFolder`). Several at once get one
    /// BLAS thread each (restored afterwards).
    static func train(_ requests: [TrainingRequest], cache: CachedTrainingSet, resultsDirectory: URL, jobs: Int,
                      report: (String) -> Void) async throws {
        let width = max(1, min(jobs, requests.count))
        let previousThreads = BLASThreadCount.current
        if width > 1 { BLASThreadCount.set(1) }
        defer { BLASThreadCount.set(previousThreads) }
        try await withThrowingTaskGroup(of: String.self) { group in
            var next = 0
            func launch() {
                let request = requests[next]
                next += 1
                group.addTask { try TrainingRun(request: request, resultsDirectory: resultsDirectory).run(cache: cache).line }
            }
            while next < width { launch() }
            for try await line in group {
                report(line)
                if next < requests.count { launch() }
            }
        }
    }
}

struct LeaderboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "leaderboard",
        abstract: "Rebuild and print a dataset's leaderboard from its run folders.")

    @Option(help: "Dataset name.\(note("extract.dataset") { $0.extract.dataset })") var data: String?
    @OptionGroup var paths: PathOptions

    func run() async throws {
        try await reportingErrors("leaderboard") {
            let config = try paths.loadConfig()
            let dataset = data ?? config.extract.dataset
            let resultsDirectory = paths.url(paths.resultsDir, config.paths.resultsDir)
            try ResultsReport.requireRuns(dataset: dataset, resultsDirectory: resultsDirectory)
            let board = try ResultsReport.update(dataset: dataset, resultsDirectory: resultsDirectory)
            print(board.markdown())
        }
    }
}

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Test whether two runs' test AUCs differ: DeLong's paired test on their scores for the same test videos.")

    @Argument(help: "A run folder (results/<DATA>/<stem>/<ARCH>) or its scores.csv.") var runA: String
    @Argument(help: "The run to compare it with; it must have been tested on the same videos.") var runB: String

    func run() throws {
        do {
            let names = (runA, runB)
            let comparison = try RunComparison(try RunComparison.scores(at: runA), try RunComparison.scores(at: runB), names: names)
            print(comparison.report(names: names))
        } catch let error as DiagnosedError {
            printError("compare: error: \(error)")
            throw ExitCode.failure
        }
    }
}

@main
enum Main {
    static func main() async {
        ProcessStart.prepare()
        await TrainCommand.main()
    }
}
