import Foundation
import Testing
import Shared
@testable import Extract

/// The SHA-256 pin is checked inside the one load function, on the very bytes it parses.
@Suite struct CheckpointPinTests {
    private func write(_ bytes: [UInt8]) throws -> (URL, URL) {
        let directory = try WeightsTestSupport.temporaryDirectory()
        let url = directory.appendingPathComponent("tiny.pt")
        try Data(bytes).write(to: url)
        return (directory, url)
    }

    @Test func digestOfTheParsedBytesIsReportedAndAccepted() throws {
        let bytes = CheckpointBuilder.zip(CheckpointBuilder.tinySpecs)
        let (directory, url) = try write(bytes)
        defer { try? FileManager.default.removeItem(at: directory) }
        var hasher = SHA256()
        hasher.update(bytes)
        let digest = hasher.finalize()
        #expect(try Checkpoint.load(contentsOf: url, pin: .unpinned).sha256 == digest)
        #expect(try Checkpoint.load(contentsOf: url, pin: .sha256(["00", digest])).tensors.count == 3)
    }

    @Test func otherDigestIsRefusedBeforeParsing() throws {
        // Unparseable bytes: the pin must fail first, so a pinned caller never parses an unknown file.
        let error = try HostileCheckpointTests.refusal([0x50, 0x4B, 0x03, 0x04, 0xFF], pin: .sha256([String(repeating: "ab", count: 32)]))
        #expect(error?.problem.contains("SHA-256") == true && error?.problem.contains(String(repeating: "ab", count: 32)) == true)
        #expect(error?.fix.contains("make setup") == true)
    }

    /// Backbones load through the pinned path: a right-looking file with other bytes is refused.
    @Test func backboneLoadIsPinned() throws {
        let (directory, url) = try write(CheckpointBuilder.zip(CheckpointBuilder.tinySpecs))
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: CheckpointError.self) { try BackboneKind.mobilenetV2.load(weightsAt: url) }
    }
}
