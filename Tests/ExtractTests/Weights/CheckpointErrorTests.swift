import Foundation
import Testing
import Shared
@testable import Extract

/// Files that are not (whole) checkpoints must fail with a CheckpointError naming the path and the fix.
@Suite struct CheckpointErrorTests {
    private func expectCheckpointError(_ bytes: [UInt8], mentioning words: [String] = []) throws {
        let directory = try WeightsTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("broken.pth")
        try Data(bytes).write(to: url)
        do {
            _ = try Checkpoint.load(contentsOf: url, pin: .unpinned)
            Issue.record("expected a CheckpointError for \(bytes.count) bytes")
        } catch let error as CheckpointError {
            #expect(error.description.contains(url.path), "\(error)")
            #expect(error.description.contains("torch.save(model.state_dict(), path)"), "\(error)")
            for word in words { #expect(error.description.contains(word), "\(error)") }
        }
    }

    @Test func randomBytesAreRejected() throws {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try expectCheckpointError(bytes, mentioning: ["not a PyTorch checkpoint"])
    }

    @Test func emptyFileIsRejected() throws {
        try expectCheckpointError([], mentioning: ["empty"])
    }

    @Test(arguments: [200, 5_000, 47_400, 60_000, 7_000_000, 14_212_000])
    func truncatedLegacyFileIsRejected(length: Int) throws {
        guard let url = WeightsTestSupport.model("mobilenet_v2-b0353104.pth") else { return }
        let bytes = try [UInt8](Data(contentsOf: url))
        try expectCheckpointError(Array(bytes.prefix(length)), mentioning: ["truncated"])
    }

    /// A legacy header followed by a pickle using a set (EMPTY_SET), which torch state dicts never contain.
    @Test func unsupportedOpcodeIsNamed() throws {
        guard let url = WeightsTestSupport.model("mobilenet_v2-b0353104.pth") else { return }
        let header = try [UInt8](Data(contentsOf: url)).prefix(137)  // magic, protocol version, sys_info pickles
        try expectCheckpointError(Array(header) + [0x80, 0x02, 0x8F, 0x2E], mentioning: ["EMPTY_SET"])
    }

    @Test func missingFileSaysHowToFetchWeights() throws {
        let url = URL(fileURLWithPath: "/nonexistent/weights/model.pth")
        do {
            _ = try Checkpoint.load(contentsOf: url, pin: .unpinned)
            Issue.record("expected a CheckpointError")
        } catch let error as CheckpointError {
            #expect(error.description.contains(url.path) && error.description.contains("make setup"), "\(error)")
        }
    }

    /// A DataParallel-style "module." prefix is the common naming slip; the error points at the real name.
    @Test func missingKeySuggestsNameWithoutWrapperPrefix() throws {
        guard let url = WeightsTestSupport.model("mobilenet_v2-b0353104.pth") else { return }
        let checkpoint = try Checkpoint.load(contentsOf: url, pin: .unpinned)
        #expect(throws: CheckpointError.self) { try checkpoint.tensor("module.features.0.0.weight") }
        do {
            _ = try checkpoint.tensor("module.features.0.0.weight")
        } catch let error as CheckpointError {
            #expect(error.description.contains("similar: features.0.0.weight"), "\(error)")
        }
    }
}
