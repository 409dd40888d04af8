import Foundation
import Shared
import Testing
@testable import Train

/// `train sweep --shard I/N` end to end: shards given by flag or by a Slurm array's variables train disjoint
/// blocks of the grid that together are the whole grid, and a shard never extracts a missing cache.
@Suite(.serialized) struct ShardedSweepCommandTests {
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("sharded-sweep-\(UUID().uuidString)")
    let archs = ["gru1-fc1", "gru2-fc2", "gru2-bn-fc1"]

    private func train(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
        let binary = PredictTests.root.appendingPathComponent(".build/release/train")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "run the tests with `make test` (it builds the binaries)")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments + [
            "--data-dir", work.appendingPathComponent("data").path, "--cache-dir", work.appendingPathComponent("cache").path,
            "--results-dir", work.appendingPathComponent("results").path,
            "--models-dir", PredictTests.root.appendingPathComponent("models").path,
            "--config", work.appendingPathComponent("defaults.yaml").path]
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SLURM_") }
            .merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.runFenced()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, stdout, stderr)
    }

    private func makeDataset() throws {
        try makeMirroredClips(in: work.appendingPathComponent("data"), dataset: "S")
    }

    private func runFolders() throws -> [String] {
        let parent = work.appendingPathComponent("results/S/mobilenetv2_f4")
        return try FileManager.default.contentsOfDirectory(atPath: parent.path).sorted()
    }

    @Test func shardsSplitTheGridAndNeverExtract() throws {
        try makeDataset()
        try Data().write(to: work.appendingPathComponent("defaults.yaml"))  // the built-in defaults
        let grid = ["sweep", "--data", "S", "--frames", "4", "--archs", archs.joined(separator: ","), "--epochs", "2", "--jobs", "1"]
        let early = try train(grid + ["--shard", "0/2"])
        #expect(early.status != 0)
        #expect(early.stderr.contains("mobilenetv2_f4.h5 is missing: extract it first"), "stderr: \(early.stderr)")
        #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent("cache/S/mobilenetv2_f4.h5").path))

        let fit = try train(["fit", "--data", "S", "--frames", "4", "--arch", archs[0], "--epochs", "2"])
        try #require(fit.status == 0, "stderr: \(fit.stderr)")
        let first = try train(grid + ["--shard", "0/2"])
        #expect(first.status == 0, "stderr: \(first.stderr)")
        #expect(first.stdout.contains("sweep: shard 0/2: runs 1-2 of 3"))
        #expect(first.stdout.contains("(existing results)"))
        #expect(try runFolders() == [archs[0], archs[1]].sorted())

        let second = try train(grid, environment: ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "2"])
        #expect(second.status == 0, "stderr: \(second.stderr)")
        #expect(second.stdout.contains("sweep: shard 1/2: runs 3-3 of 3"))
        #expect(try runFolders() == archs.sorted())

        let board = try train(["leaderboard", "--data", "S"])
        #expect(board.status == 0, "stderr: \(board.stderr)")
        let csv = try String(contentsOf: work.appendingPathComponent("results/S/leaderboard.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 1 + archs.count)
    }
}
