import Foundation
import Testing
import Shared
@testable import Extract
@testable import Train

/// Face crops scaled out with the real binaries on clips of real face photos: three `extract --crop face
/// --shard` runs (one after `extract faces --shard`) merged by `extract merge --crop face` equal one process,
/// `train --crop face` trains on the merged cache, and merges of mismatched shards are refused.
@Suite(.serialized) struct ShardedFaceCropCommandTests {
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("face-shards-\(UUID().uuidString)")
    /// FaceDataset without its largest clips (the passer-by pair): 10 faces (what train needs) and one without.
    static func kept(_ path: String) -> Bool { !path.contains("passer-by") }

    private func run(_ tool: String, _ arguments: [String], cache: String = "sharded") throws
        -> (status: Int32, stdout: String, stderr: String) {
        var paths = ["--models-dir", PredictTests.root.appendingPathComponent("models").path,
                     "--data-dir", work.appendingPathComponent("data").path, "--cache-dir", work.appendingPathComponent(cache).path,
                     "--config", work.appendingPathComponent("defaults.yaml").path]
        if tool == "train" { paths += ["--results-dir", work.appendingPathComponent("results").path] }
        // Outside any job array, whatever shell the tests run from.
        return try runTool(tool, arguments + paths, environment: ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("SLURM_") && $0.key != "JOB_COMPLETION_INDEX"
        })
    }

    private func makeDataset() throws {
        let root = work.appendingPathComponent("data/F")
        try FaceDataset.make(at: root)
        for folder in ["real", "fake"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)
            where !Self.kept("\(folder)/\(name)") {
                try FileManager.default.removeItem(at: root.appendingPathComponent("\(folder)/\(name)"))
            }
        }
        try "# built-in defaults\n".write(to: work.appendingPathComponent("defaults.yaml"), atomically: true, encoding: .utf8)
    }

    private let face = ["--data", "F", "--frames", "4", "--crop", "face"]

    @Test func threeFaceCropShardsMergeToOneRunAndTrain() throws {
        defer { try? FileManager.default.removeItem(at: work) }
        try makeDataset()
        let single = try run("extract", face, cache: "single")
        #expect(single.status == 0, "stderr: \(single.stderr)")

        let faces0 = try run("extract", ["faces", "--data", "F", "--frames", "4", "--shard", "0/3"])
        #expect(faces0.status == 0 && faces0.stderr.contains("F shard 0/3 (of 11 videos)"), "stderr: \(faces0.stderr)")
        let crops0 = try run("extract", face + ["--shard", "0/3"])
        #expect(crops0.status == 0 && crops0.stderr.contains("faces: 0 videos detected"), "shard 0 reuses its tracks: \(crops0.stderr)")
        for shard in ["1/3", "2/3"] {
            let crops = try run("extract", face + ["--shard", shard])
            #expect(crops.status == 0, "stderr: \(crops.stderr)")
        }
        let merged = try run("extract", ["merge"] + face)
        #expect(merged.status == 0, "stderr: \(merged.stderr)")
        #expect(merged.stdout.contains("merged 3 face-track shards (10 videos, 1 failures)") && merged.stdout.contains("merged 3 shards (10 videos, 1 failures)"),
                "\(merged.stdout)")

        // MTCNN, the tracker and the backbone run the same kernels in the same order on a video whichever
        // process runs it, and the merge copies rows in the single run's order: equal bit for bit.
        let facesA = try FaceCacheReader(url: work.appendingPathComponent("single/F/faces_f4.h5"))
        let facesB = try FaceCacheReader(url: work.appendingPathComponent("sharded/F/faces_f4.h5"))
        #expect(facesA.records.map(\.path) == facesB.records.map(\.path) && facesA.records.count == 10)
        #expect(facesA.records == facesB.records && facesA.failures == facesB.failures && facesA.metadata == facesB.metadata)
        let cacheA = try EmbeddingCacheReader(url: work.appendingPathComponent("single/F/mobilenetv2_face_f4.h5"))
        let cacheB = try EmbeddingCacheReader(url: work.appendingPathComponent("sharded/F/mobilenetv2_face_f4.h5"))
        #expect(cacheA.videoPaths == cacheB.videoPaths && cacheA.failures == cacheB.failures && cacheB.isMerged)
        #expect(cacheA.metadata == cacheB.metadata)
        for index in 0..<cacheA.videoCount { #expect(try cacheA.video(at: index) == cacheB.video(at: index)) }

        let trained = try run("train", ["fit", "--data", "F", "--frames", "4", "--crop", "face", "--arch", "gru1-fc1", "--epochs", "2"])
        #expect(trained.status == 0, "stderr: \(trained.stderr)")
        let model = try ModelFile.read(from: work.appendingPathComponent("results/F/mobilenetv2_face_f4/gru1-fc1/model.h5"))
        #expect(model.cropPolicy == "face" && model.face?.tracksSHA256 == facesB.metadata.settingsSHA256)

        try refusals()
    }

    /// Other weights here than the shards', a shard with another face scale, one with another detection size.
    private func refusals() throws {
        let other = PredictTests.root.appendingPathComponent("models/test-media/astronaut.png").path
        let weights = try run("extract", ["merge", "--weights", other] + face)
        #expect(weights.status != 0 && weights.stderr.contains("mobilenetv2_face_f4.shard-0-of-3.h5: it was made with weights of SHA-256 "),
                "\(weights.stderr)")
        #expect(weights.stderr.contains("astronaut.png here has SHA-256") && weights.stderr.contains("--accept-weights-hash"))
        let accepted = try run("extract", ["merge", "--weights", other, "--accept-weights-hash"] + face)
        #expect(accepted.status == 0, "stderr: \(accepted.stderr)")

        // Shard 1 again without its face-track file: the merged faces_f4.h5 gives its tracks back, undetected.
        let shards = work.appendingPathComponent("sharded/F/shards")
        let faces1 = shards.appendingPathComponent("faces_f4.shard-1-of-3.h5")
        let before = try FaceCacheReader(url: faces1).records
        try FileManager.default.removeItem(at: faces1)
        try FileManager.default.removeItem(at: shards.appendingPathComponent("mobilenetv2_face_f4.shard-1-of-3.h5"))
        let scaled = try run("extract", face + ["--shard", "1/3", "--face-scale", "1.5"])
        #expect(scaled.status == 0 && scaled.stderr.contains("faces: 0 videos detected"), "stderr: \(scaled.stderr)")
        #expect(try FaceCacheReader(url: faces1).records == before && !before.isEmpty)
        let scale = try run("extract", ["merge"] + face)
        #expect(scale.status != 0 && scale.stderr.contains("mobilenetv2_face_f4.shard-1-of-3.h5: it was made with other settings (face_scale: shard has 1.5"),
                "\(scale.stderr)")

        try FileManager.default.removeItem(at: shards.appendingPathComponent("faces_f4.shard-2-of-3.h5"))
        let small = try run("extract", ["faces", "--data", "F", "--frames", "4", "--shard", "2/3", "--detect-max-side", "320"])
        #expect(small.status == 0, "stderr: \(small.stderr)")
        let detection = try run("extract", ["merge"] + face)
        #expect(detection.status != 0 && detection.stderr.contains(
            "faces_f4.shard-2-of-3.h5: it was made with other settings (detection_max_side: shard has 320, faces_f4.shard-0-of-3.h5 has 1280)"),
                "\(detection.stderr)")
        #expect(detection.stderr.split(separator: "\n").count == 1)
    }
}
