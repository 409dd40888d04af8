import Foundation
import Testing
import Shared
@testable import Extract

/// The `extract` executable on real clips: one run against three shards (picked by --shard, a Slurm array's
/// variables and a Kubernetes index) merged both ways, compared dataset by dataset.
@Suite(.serialized) struct ShardedExtractCommandTests {
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("extract-shards-\(UUID().uuidString)")
    let media = URL(fileURLWithPath: "/usr/share/doc/opencv-doc/examples/data")

    private func extract(_ arguments: [String], cache: String, environment: [String: String] = [:]) throws -> (Int32, String) {
        let binary = WeightsTestSupport.packageRoot.appendingPathComponent(".build/release/extract")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments + ["--data", "D", "--frames", "3", "--data-dir", work.appendingPathComponent("data").path,
                                         "--cache-dir", work.appendingPathComponent(cache).path,
                                         "--models-dir", WeightsTestSupport.packageRoot.appendingPathComponent("models").path,
                                         "--config", work.appendingPathComponent("defaults.yaml").path]
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SLURM_") && $0.key != "JOB_COMPLETION_INDEX" }
            .merging(environment) { $1 }
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.runFenced()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, stderr)
    }

    @Test func threeShardsMergedEqualOneRun() throws {
        for (index, start) in [0.0, 2, 4, 6, 8].enumerated() {
            let url = work.appendingPathComponent("data/D/\(index % 2 == 0 ? "real" : "fake")/c\(index).avi")
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try VideoTestSupport.run("ffmpeg", ["-v", "error", "-y", "-ss", String(start), "-t", String(0.4 + 0.3 * Double(index)),
                                                "-i", media.appendingPathComponent("Megamind.avi").path,
                                                "-vf", "scale=96:72", "-c:v", "mpeg4", "-an", url.path])
        }
        try Data([1, 2, 3]).write(to: work.appendingPathComponent("data/D/fake/broken.mp4"))
        try Data().write(to: work.appendingPathComponent("defaults.yaml"))  // the built-in defaults
        #expect(try extract([], cache: "single").0 == 0)
        let runs: [([String], [String: String])] = [
            (["--shard", "0/3"], [:]),
            ([], ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "3"]),
            (["--shard-count", "3"], ["JOB_COMPLETION_INDEX": "2"])]
        for (arguments, environment) in runs {
            let (status, stderr) = try extract(arguments, cache: "sharded", environment: environment)
            #expect(status == 0, "\(stderr)")
        }
        let single = work.appendingPathComponent("single/D/mobilenetv2_f3.h5")
        for (layout, flags) in [("virtual", [String]()), ("copied", ["--copy"])] {
            let (status, stderr) = try extract(["merge"] + flags, cache: "sharded")
            #expect(status == 0, "\(layout): \(stderr)")
            let merged = work.appendingPathComponent("sharded/D/mobilenetv2_f3.h5")
            try expectSameCacheContents(single, merged)
            #expect(try HDF5File.open(merged).dataset("embeddings").isVirtual() == (layout == "virtual"))
            #expect(try EmbeddingCacheReader(url: merged).failures.map(\.path) == ["fake/broken.mp4"])
        }
        // A shard made with other settings is refused naming it.
        try FileManager.default.removeItem(at: work.appendingPathComponent("sharded/D/shards/mobilenetv2_f3.shard-1-of-3.h5"))
        #expect(try extract(["--shard", "1/3", "--sampling", "nearest-decodable"], cache: "sharded").0 == 0)
        let (status, stderr) = try extract(["merge"], cache: "sharded")
        #expect(status != 0 && stderr.contains("mobilenetv2_f3.shard-1-of-3.h5: it was made with other settings (sampling_policy"), "\(stderr)")
        #expect(stderr.split(separator: "\n").count == 1)
    }
}
