import Foundation
import Testing
import Shared
@testable import Extract

/// The two real legacy-format files in models/ against the Python reference reader's fixtures.
@Suite struct LegacyCheckpointTests {
    @Test func mobileNetV2MatchesPythonReference() throws {
        guard let url = WeightsTestSupport.model("mobilenet_v2-b0353104.pth") else { return }
        let start = Date()
        let checkpoint = try Checkpoint.load(contentsOf: url, pin: .unpinned)
        let seconds = Date().timeIntervalSince(start)
        #if !DEBUG
        // Release budget for a 14 MB file (measured about 0.05 s); debug builds are far slower and not timed.
        #expect(seconds < 1, "loading \(url.lastPathComponent) took \(seconds) s")
        #endif
        let reference = try WeightsTestSupport.summaries(WeightsTestSupport.fixture("mobilenet_v2-b0353104.reference.json"))
        WeightsTestSupport.expectMatches(checkpoint, reference)
        #expect(try checkpoint.tensor("features.0.0.weight").shape == [32, 3, 3, 3])
        #expect(try checkpoint.tensor("classifier.1.weight").shape == [1000, 1280])
    }

    /// EfficientNet-Lite0's stem weight is stored channels-last (stride [1, 32, 288, 96]), so this also checks the gather.
    @Test func efficientNetLite0MatchesPythonReference() throws {
        guard let url = WeightsTestSupport.model("efficientnet-lite0-57934424.pth") else { return }
        let checkpoint = try Checkpoint.load(contentsOf: url, pin: .unpinned)
        let reference = try WeightsTestSupport.summaries(WeightsTestSupport.fixture("efficientnet-lite0-57934424.reference.json"))
        WeightsTestSupport.expectMatches(checkpoint, reference)
        #expect(try checkpoint.tensor("_conv_stem.weight").shape == [32, 3, 3, 3])
    }

    /// The fixtures were produced by the script; rerunning it must reproduce them (keeps script and fixture honest).
    @Test func referenceScriptReproducesFixture() throws {
        guard let url = WeightsTestSupport.model("mobilenet_v2-b0353104.pth") else { return }
        let directory = try WeightsTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("summary.json")
        let run = try WeightsTestSupport.python([WeightsTestSupport.script("read_checkpoint.py").path, url.path, output.path])
        #expect(run.status == 0, "read_checkpoint.py failed: \(run.errors)")
        let fresh = try WeightsTestSupport.summaries(output)
        let committed = try WeightsTestSupport.summaries(WeightsTestSupport.fixture("mobilenet_v2-b0353104.reference.json"))
        #expect(Set(fresh.keys) == Set(committed.keys))
        for (name, summary) in committed {
            #expect(fresh[name]?.sum == summary.sum && fresh[name]?.shape == summary.shape, "\(name)")
        }
    }

    /// Dtypes, strides, shared storages, a storage view, and a shuffled storage order, in a generated legacy file.
    @Test func syntheticLegacyFile() throws {
        try WeightsTestSupport.checkGenerated(["--legacy"])
    }

    @Test func syntheticLegacyTrainingCheckpoint() throws {
        try WeightsTestSupport.checkGenerated(["--legacy", "--wrap"])
    }

    @Test func missingKeyNamesFileAndKey() throws {
        guard let url = WeightsTestSupport.model("mobilenet_v2-b0353104.pth") else { return }
        let checkpoint = try Checkpoint.load(contentsOf: url, pin: .unpinned)
        do {
            _ = try checkpoint.tensor("features.99.weight")
            Issue.record("expected a missing-key error")
        } catch let error as CheckpointError {
            #expect(error.description.contains(url.path))
            #expect(error.description.contains("features.99.weight"))
        }
    }
}
