import Foundation
import Testing
import Shared
import Extract

/// End-to-end tests of the `extract` executable on real clips: bad inputs, reuse, updates, kill -9 resume.
/// They run the release binary that `make test` builds next to the tests.
@Suite(.serialized) struct ExtractCommandTests {
    let work: URL
    let media = URL(fileURLWithPath: "/usr/share/doc/opencv-doc/examples/data")

    init() throws {
        work = FileManager.default.temporaryDirectory.appendingPathComponent("extract-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    }

    // MARK: helpers

    struct Outcome { var status: Int32; var stdout: String; var stderr: String }

    private func extract(_ arguments: [String], cacheDirectory: String = "cache",
                         environment: [String: String]? = nil) throws -> Outcome {
        let process = try extractProcess(arguments, cacheDirectory: cacheDirectory)
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.runFenced()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                       stderr: String(decoding: stderr, as: UTF8.self))
    }

    private func extractProcess(_ arguments: [String], cacheDirectory: String = "cache") throws -> Process {
        let binary = WeightsTestSupport.packageRoot.appendingPathComponent(".build/release/extract")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw PipelineError("\(binary.path) is missing: run the tests with `make test` (it builds the release binaries)")
        }
        // An empty --config file: the built-in defaults, whatever the repository's pipeline.yaml says.
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try "# built-in defaults\n".write(to: work.appendingPathComponent("defaults.yaml"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments + ["--data-dir", work.appendingPathComponent("data").path,
                                         "--cache-dir", work.appendingPathComponent(cacheDirectory).path,
                                         "--models-dir", WeightsTestSupport.packageRoot.appendingPathComponent("models").path,
                                         "--config", work.appendingPathComponent("defaults.yaml").path]
        return process
    }

    /// A short clip of a real opencv-doc video, cut and scaled by the ffmpeg CLI.
    private func makeClip(_ relative: String, source: String = "Megamind.avi", start: Double, seconds: Double = 1) throws {
        let url = work.appendingPathComponent("data").appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try VideoTestSupport.run("ffmpeg", ["-v", "error", "-y", "-ss", String(start), "-t", String(seconds),
                                              "-i", media.appendingPathComponent(source).path,
                                              "-vf", "scale=160:120", "-c:v", "mpeg4", "-an", url.path])
    }

    private func write(_ bytes: [UInt8], to relative: String) throws {
        let url = work.appendingPathComponent("data").appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    private func cacheURL(_ dataset: String, frames: Int) -> URL {
        work.appendingPathComponent("cache/\(dataset)/mobilenetv2_f\(frames).h5")
    }

    /// Every dataset of a cache, as comparable values.
    private func contents(of url: URL) throws -> (videos: [String], labels: [Int8], indices: [Int32], embeddings: [Float], failures: [String]) {
        let file = try HDF5File.open(url)
        let failures = try file.contains("failures") ? try file.group("failures").dataset("videos").readStrings() : []
        return (try file.dataset("videos").readStrings(), try file.dataset("labels").read(as: Int8.self),
                try file.dataset("frame_indices").read(as: Int32.self), try file.dataset("embeddings").read(as: Float.self),
                failures)
    }

    // MARK: tests

    @Test func badInputsAreSkippedAndNamedWhileGoodVideosAreCached() throws {
        try makeClip("D/real/a.avi", start: 0)
        try makeClip("D/fake/b.avi", start: 3)
        try write((0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }, to: "D/fake/noise.mp4")
        try write([], to: "D/real/empty.mp4")
        let result = try extract(["--data", "D", "--frames", "8"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("fake/noise.mp4"))
        #expect(result.stderr.contains("real/empty.mp4"))
        #expect(result.stdout.contains("2 failures"))
        let cache = try contents(of: cacheURL("D", frames: 8))
        #expect(cache.videos == ["fake/b.avi", "real/a.avi"])
        #expect(cache.labels == [1, 0])
        #expect(cache.embeddings.count == 2 * 8 * 1280)
        let finite = cache.embeddings.allSatisfy { $0.isFinite }
        let nonZero = cache.embeddings.contains { $0 != 0 }
        #expect(finite)
        #expect(nonZero)
        #expect(Set(cache.failures) == ["fake/noise.mp4", "real/empty.mp4"])
    }

    /// A PNG named .mp4 lands in /failures as image data, a broken link is named in the skipped summary, and a
    /// cache whose /labels was made a scalar stops the next run with one error line instead of a trap.
    @Test func imagesSkippedFilesAndHostileCachesAreReportedClearly() throws {
        try makeClip("D/real/a.avi", start: 0)
        try makeClip("D/fake/b.avi", start: 3)
        try FileManager.default.copyItem(at: media.appendingPathComponent("chicky_512.png"),
                                         to: work.appendingPathComponent("data/D/fake/photo.mp4"))
        try FileManager.default.createSymbolicLink(atPath: work.appendingPathComponent("data/D/real/dead.mp4").path,
                                                   withDestinationPath: "gone.mp4")
        let result = try extract(["--data", "D", "--frames", "4"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("extract: skipped 1 file: real/dead.mp4 (broken symbolic link)"))
        let file = try HDF5File.open(cacheURL("D", frames: 4))
        #expect(try file.dataset("videos").readStrings() == ["fake/b.avi", "real/a.avi"])
        #expect(try file.dataset("failures/videos").readStrings() == ["fake/photo.mp4"])
        let reason = try file.dataset("failures/reasons").readStrings().first ?? ""
        #expect(reason.contains("photo.mp4: not a video (image data"), "\(reason)")
        try file.close()

        let damaged = try HDF5File.open(cacheURL("D", frames: 4), access: .readWrite)
        try damaged.removeChild("labels")
        try damaged.createDataset("labels", of: Int8.self, shape: [])
        try damaged.close()
        let refused = try extract(["--data", "D", "--frames", "4"])
        #expect(refused.status == 1)
        let lines = refused.stderr.split(separator: "\n").filter { $0.hasPrefix("extract: error:") }
        #expect(lines.count == 1)
        #expect(lines.first?.contains("\(cacheURL("D", frames: 4).path) is not a valid embedding cache: /labels is a scalar (rank 0)") == true,
                "\(refused.stderr)")
    }

    @Test func rerunsReuseTheCacheAppendNewVideosAndDropDeletedOnes() throws {
        try makeClip("D/real/a.avi", start: 0)
        try makeClip("D/fake/b.avi", start: 3)
        #expect(try extract(["--data", "D", "--frames", "4"]).status == 0)
        let first = try contents(of: cacheURL("D", frames: 4))

        let again = try extract(["--data", "D", "--frames", "4"])
        #expect(again.status == 0)
        #expect(again.stdout.contains("up to date"))

        try makeClip("D/real/c.avi", start: 6)
        try FileManager.default.removeItem(at: work.appendingPathComponent("data/D/fake/b.avi"))
        let update = try extract(["--data", "D", "--frames", "4"])
        #expect(update.status == 0, "stderr: \(update.stderr)")
        #expect(update.stdout.contains("1 extracted, 1 reused"))
        let second = try contents(of: cacheURL("D", frames: 4))
        #expect(second.videos == ["real/a.avi", "real/c.avi"])
        let dim = 4 * 1280
        #expect(Array(second.embeddings[0..<dim]) == Array(first.embeddings[dim..<2 * dim]))
    }

    @Test func aRunKilledWithSigkillResumesToTheSameCache() throws {
        for i in 0..<6 {
            try makeClip("K/\(i % 2 == 0 ? "real" : "fake")/clip\(i).avi", source: "vtest.avi", start: Double(i * 5), seconds: 2)
        }
        #expect(try extract(["--data", "K", "--frames", "16"], cacheDirectory: "reference").status == 0)
        let reference = try contents(of: work.appendingPathComponent("reference/K/mobilenetv2_f16.h5"))

        let cache = cacheURL("K", frames: 16)
        let journal = URL(fileURLWithPath: cache.path + ".journal")
        let victim = try extractProcess(["--data", "K", "--frames", "16"])
        victim.standardError = FileHandle.nullDevice
        victim.standardOutput = FileHandle.nullDevice
        try victim.runFenced()
        let deadline = Date().addingTimeInterval(60)
        // Kill once the journal holds at least one finished video, mid-way through the rest: a journal longer
        // than two videos' embeddings has its first record whole (one video's size alone may be a record
        // caught half-written).
        while Date() < deadline, victim.isRunning,
              ((try? FileManager.default.attributesOfItem(atPath: journal.path)[.size] as? Int) ?? nil ?? 0) < 2 * 16 * 1280 * 4 {
            usleep(2_000)
        }
        kill(victim.processIdentifier, SIGKILL)
        victim.waitUntilExit()
        #expect(!FileManager.default.fileExists(atPath: cache.path), "a killed run must not leave a cache that looks complete")

        let resumed = try extract(["--data", "K", "--frames", "16"])
        #expect(resumed.status == 0, "stderr: \(resumed.stderr)")
        #expect(!resumed.stderr.contains(", 0 already cached"), "the resumed run should reuse journaled videos: \(resumed.stderr)")
        let final = try contents(of: cache)
        #expect(final.videos == reference.videos)
        #expect(final.labels == reference.labels)
        #expect(final.indices == reference.indices)
        let worst = zip(final.embeddings, reference.embeddings).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst <= 1e-5)
    }

    @Test func badArgumentsStopWithOneClearLine() throws {
        try makeClip("D/real/a.avi", start: 0)
        let backbone = try extract(["--data", "D", "--backbone", "resnet9000"])
        #expect(backbone.status != 0)
        #expect(backbone.stderr.contains("unknown backbone 'resnet9000'"))
        let frames = try extract(["--data", "D", "--frames", "0"])
        #expect(frames.status != 0)
        #expect(frames.stderr.contains("FRAMES=0"))
        let missing = try extract(["--data", "Nowhere"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("Nowhere"))
        #expect(missing.stderr.split(separator: "\n").count == 1)
    }

    /// Debian's OpenBLAS falls back to generic kernels on CPUs it does not know; the binary must then re-run
    /// itself with kernels that fit the CPU, and leave a user's OPENBLAS_CORETYPE alone.
    @Test func runsOpenBLASKernelsThatFitTheCPU() throws {
        try makeClip("K/real/a.avi", start: 0)
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_CORETYPE"] = nil
        let fitted = try extract(["--data", "K", "--frames", "4"], cacheDirectory: "cache-fitted", environment: environment)
        #expect(fitted.status == 0, "\(fitted.stderr)")
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let kernels = fitted.stderr.split(separator: "(OpenBLAS ").last?.split(separator: " ").first.map(String.init)
        #expect(kernels != nil, "the run line names no OpenBLAS kernels: \(fitted.stderr)")
        if cpuinfo.contains(" avx2 ") && cpuinfo.contains(" fma ") {
            for generic in ["Prescott", "Core2", "Penryn", "Nehalem", "Barcelona"] {
                #expect(kernels != generic, "OpenBLAS runs its generic \(generic) kernels on an AVX2 CPU")
            }
        }
        environment["OPENBLAS_CORETYPE"] = "Haswell"
        let chosen = try extract(["--data", "K", "--frames", "4"], cacheDirectory: "cache-chosen", environment: environment)
        #expect(chosen.status == 0)
        #expect(chosen.stderr.contains("(OpenBLAS Haswell kernels)"), "\(chosen.stderr)")
    }
}
