import Foundation
import Testing
import Extract

/// Every kind of bad input gives a VideoError whose message names the file (and never crashes).
@Suite struct VideoErrorTests {
    typealias Support = VideoTestSupport

    private func expectVideoError(_ url: URL, _ check: (VideoError) -> Bool = { _ in true },
                                  sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let sampled = try VideoFrameSampler(frameCount: 4, outputSize: 16).sample(url)
            Issue.record("\(url.lastPathComponent): expected a VideoError, got \(sampled.totalFrames) frames",
                         sourceLocation: sourceLocation)
        } catch let error as VideoError {
            #expect(error.path == url.path, sourceLocation: sourceLocation)
            #expect(error.description.contains(url.path), sourceLocation: sourceLocation)
            #expect(check(error), "unexpected case: \(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(url.lastPathComponent): expected a VideoError, got \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func badInputsGiveVideoErrorNamingThePath() throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }

        expectVideoError(directory.appendingPathComponent("missing.mp4")) {
            if case .fileMissing = $0 { return true } else { return false }
        }
        expectVideoError(directory) { if case .fileMissing = $0 { return true } else { return false } }

        let empty = directory.appendingPathComponent("empty.mp4")
        _ = FileManager.default.createFile(atPath: empty.path, contents: Data())
        expectVideoError(empty) { if case .emptyFile = $0 { return true } else { return false } }

        var generator = SystemRandomNumberGenerator()
        let random = directory.appendingPathComponent("random.mp4")
        _ = FileManager.default.createFile(atPath: random.path,
                                       contents: Data((0..<65536).map { _ in UInt8.random(in: 0...255, using: &generator) }))
        expectVideoError(random)

        let text = directory.appendingPathComponent("notes.avi")
        try "not a video at all\n".write(to: text, atomically: true, encoding: .utf8)
        expectVideoError(text)

        let audio = try Support.makeClip("sine.m4a", in: directory, ["-f", "lavfi", "-i", "sine=frequency=440:duration=1"])
        expectVideoError(audio) { if case .noVideoStream = $0 { return true } else { return false } }

        // MP4 with its index (moov) at the end, cut in half: the index is gone.
        let full = try Support.makeClip("full.mp4", in: directory, [
            "-f", "lavfi", "-i", "testsrc=size=160x120:rate=25", "-t", "4", "-c:v", "libx264", "-pix_fmt", "yuv420p"])
        let half = try cutInHalf(full)
        expectVideoError(half) { if case .notMedia = $0 { return true } else { return false } }

        // Only a header: stream declared, no packets.
        let headerOnly = directory.appendingPathComponent("header.mkv")
        let mkv = try Support.makeClip("whole.mkv", in: directory, [
            "-f", "lavfi", "-i", "testsrc=size=160x120:rate=25", "-t", "2", "-c:v", "libx264", "-pix_fmt", "yuv420p"])
        try Data(Data(contentsOf: mkv).prefix(700)).write(to: headerOnly)
        expectVideoError(headerOnly)
    }

    /// Garbage over the middle of the payload: decoders must skip bad packets without crashing.
    @Test func corruptPacketsAreToleratedWithoutCrashing() throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = try Support.opencvMedia("Megamind.avi")
        var bytes = try Data(contentsOf: source)
        var generator = SystemRandomNumberGenerator()
        for i in stride(from: 300_000, to: 700_000, by: 7) { bytes[i] = UInt8.random(in: 0...255, using: &generator) }
        let damaged = directory.appendingPathComponent("damaged.avi")
        try bytes.write(to: damaged)
        do {
            let sampled = try VideoFrameSampler(frameCount: 16, outputSize: 24).sample(damaged)
            #expect(sampled.totalFrames > 0)
            #expect(sampled.images.count == 16)
        } catch let error as VideoError {
            #expect(error.description.contains(damaged.path))
        }
    }

    @Test func invalidSettingsAreReported() throws {
        let url = try Support.opencvMedia("Megamind.avi")
        #expect(throws: VideoError.self) { try VideoFrameSampler(frameCount: 0, outputSize: 16).sample(url) }
        #expect(throws: VideoError.self) { try VideoFrameSampler(frameCount: 4, outputSize: 0).sample(url) }
        #expect(throws: VideoError.self) { try decodeImage(url.deletingLastPathComponent().appendingPathComponent("nope.jpg"), size: 8) }
    }

    private func cutInHalf(_ url: URL) throws -> URL {
        let data = try Data(contentsOf: url)
        let cut = url.deletingPathExtension().appendingPathExtension("half.mp4")
        try data.prefix(data.count / 2).write(to: cut)
        return cut
    }
}
