import Foundation
import Testing
@testable import Train

/// The `train` executable end to end on real clips: a missing cache is extracted first, a sweep reuses it and
/// skips finished runs, and the leaderboard lists every run.
@Suite(.serialized) struct TrainCommandTests {
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("train-cli-\(UUID().uuidString)")

    private func run(_ tool: String, _ arguments: [String], environment: [String: String]? = nil) throws
        -> (status: Int32, stdout: String, stderr: String) {
        // An empty --config file: the built-in defaults, whatever the repository's pipeline.yaml says.
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try "# built-in defaults\n".write(to: work.appendingPathComponent("defaults.yaml"), atomically: true, encoding: .utf8)
        return try runTool(tool, arguments, environment: environment)
    }

    private func makeDataset() throws {
        try makeMirroredClips(in: work.appendingPathComponent("data"), dataset: "T")
    }

    private var paths: [String] { paths(results: work.appendingPathComponent("results").path) }

    private func paths(results: String) -> [String] {
        ["--data-dir", work.appendingPathComponent("data").path, "--cache-dir", work.appendingPathComponent("cache").path,
         "--results-dir", results,
         "--models-dir", PredictTests.root.appendingPathComponent("models").path,
         "--config", work.appendingPathComponent("defaults.yaml").path]
    }

    @Test func fitExtractsAMissingCacheThenSweepReusesItAndSkipsFinishedRuns() throws {
        try makeDataset()
        let fit = try run("train", ["fit", "--data", "T", "--frames", "4", "--arch", "gru1-fc1", "--epochs", "3"] + paths)
        #expect(fit.status == 0, "stderr: \(fit.stderr)")
        #expect(fit.stderr.contains("is missing: extracting it first"))
        #expect(fit.stdout.contains("12 videos (12 extracted"))
        #expect(FileManager.default.fileExists(atPath: work.appendingPathComponent("results/T/mobilenetv2_f4/gru1-fc1/model.h5").path))

        let sweep = try run("train", ["sweep", "--data", "T", "--frames", "4", "--archs", "gru1-fc1,gru2-fc2", "--epochs", "3"] + paths)
        #expect(sweep.status == 0, "stderr: \(sweep.stderr)")
        #expect(!sweep.stderr.contains("extracting it first"))
        #expect(sweep.stdout.contains("gru1-fc1") && sweep.stdout.contains("(existing results)"))
        // Heads of a sweep train at once: every line names its run.
        let epochLines = sweep.stderr.split(separator: "\n").filter { $0.contains(" epoch ") }
        #expect(epochLines.count == 3 && epochLines.allSatisfy { $0.contains("T/mobilenetv2_f4/gru2-fc2 seed ") }, "\(sweep.stderr)")
        let runLines = sweep.stdout.split(separator: "\n").filter { $0.hasPrefix("[") }
        #expect(runLines.count == 2 && runLines.allSatisfy { $0.contains("T/mobilenetv2_f4/gru") && $0.contains(" seed ") })
        let board = try String(contentsOf: work.appendingPathComponent("results/T/leaderboard.csv"), encoding: .utf8)
        #expect(board.split(separator: "\n").count == 3)
        #expect(FileManager.default.fileExists(atPath: work.appendingPathComponent("results/T/report.html").path))
    }

    /// Training's GEMMs run on oneDNN, which picks its kernels by CPU (AVX-512, AVX2, SSE4.1); whichever it
    /// runs, training must come out the same up to summation order: the same validation losses, epoch by epoch.
    @Test func trainingAgreesAcrossGEMMKernels() throws {
        try makeDataset()
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        var isas: [String?] = [nil, "SSE41"]
        if cpuinfo.contains(" avx512bw ") && cpuinfo.contains(" avx2 ") { isas.append("AVX2") }
        var histories: [[Double]] = []
        for isa in isas {
            var environment = ProcessInfo.processInfo.environment
            environment["DNNL_MAX_CPU_ISA"] = isa
            let results = work.appendingPathComponent("results-\(isa ?? "best")").path
            let fit = try run("train", ["fit", "--data", "T", "--frames", "4", "--arch", "gru2-fc2", "--epochs", "8"]
                                       + paths(results: results), environment: environment)
            try #require(fit.status == 0, "DNNL_MAX_CPU_ISA=\(isa ?? "unset"): \(fit.stderr)")
            let history = try String(contentsOfFile: results + "/T/mobilenetv2_f4/gru2-fc2/history.csv", encoding: .utf8)
            let rows = history.split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
            histories.append(rows.map { Double($0[4])! })   // val_loss
        }
        #expect(histories.allSatisfy { $0.count == 8 })
        for (isa, losses) in zip(isas.dropFirst(), histories.dropFirst()) {
            let worst = zip(losses, histories[0]).map { abs($0 - $1) / abs($1) }.max()!
            #expect(worst < 1e-4, "validation losses with \(isa!) kernels differ by \(worst) (relative)")
        }
    }

    @Test func aTypoInTheArchitectureShowsTheGrammarAndFails() throws {
        let result = try run("train", ["fit", "--data", "T", "--arch", "gru2-fc", "--epochs", "1"] + paths)
        #expect(result.status != 0)
        #expect(result.stderr.contains("gru2-fc"))
        #expect(result.stderr.contains("preset: gru<N>[-bn]-fc<M>"))
    }

    @Test func aMissingConfigFileStopsWithOneLine() throws {
        let missing = work.appendingPathComponent("missing.yaml").path
        let result = try run("train", ["fit", "--data", "T", "--epochs", "1", "--config", missing])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--config \(missing): no such file"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func anUnknownConfigKeyStopsTraining() throws {
        let config = work.appendingPathComponent("typo.yaml")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try "train:\n  epochz: 5\n".write(to: config, atomically: true, encoding: .utf8)
        let result = try run("train", ["fit", "--data", "T", "--config", config.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("did you mean 'epochs'?"), "\(result.stderr)")
    }

    @Test func theLeaderboardOfADatasetWithoutRunsIsAnErrorAndCreatesNothing() throws {
        let result = try run("train", ["leaderboard", "--data", "nosuch"] + paths)
        #expect(result.status != 0)
        #expect(result.stderr.contains("no trained runs for dataset 'nosuch'"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent("results/nosuch").path))
    }

    @Test func helpShowsTheDefaultsOfTheGivenConfig() throws {
        let config = work.appendingPathComponent("custom.yaml")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try "extract:\n  frames: 77\ntrain:\n  epochs: 9\n".write(to: config, atomically: true, encoding: .utf8)
        let result = try run("train", ["fit", "--help", "--config", config.path])
        let help = result.stdout.replacingOccurrences(of: "\n", with: " ").split(separator: " ").joined(separator: " ")
        #expect(help.contains("(default: 77 from \(config.path) extract.frames)"), "\(result.stdout)")
        #expect(help.contains("(default: 9 from \(config.path) train.epochs)"))
    }

    /// make stops on a variable its target would drop, and passes the sweep's overrides through.
    @Test func makeRefusesVariablesATargetIgnores() throws {
        let make = dryRunMake
        let refused = try make(["sweep", "SEED=3"])
        #expect(refused.status != 0 && refused.output.contains("make sweep does not use SEED=3"), "\(refused.output)")
        let train = try make(["train", "SAMPLING=nearest-decodable"])
        #expect(train.status != 0 && train.output.contains("does not use SAMPLING"))
        let sweep = try make(["sweep", "FRAMES=16", "ARCH=gru1-fc1", "CROP=face"])
        #expect(sweep.status == 0, "\(sweep.output)")
        #expect(sweep.output.contains("--frames 16") && sweep.output.contains("--archs gru1-fc1") && sweep.output.contains("--crop face"))
    }
}
