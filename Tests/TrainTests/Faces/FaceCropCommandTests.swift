import Foundation
import Testing
import Shared
@testable import Extract
@testable import Train

/// Face crops end to end with the real binaries on clips of real face photos: `extract --crop face` finds the
/// tracks and embeds the crops, `train --crop face` trains on them, `predict` crops new videos the same way,
/// another backbone reuses the tracks, and a face stage killed with SIGKILL resumes to the same face cache.
@Suite(.serialized) struct FaceCropCommandTests {
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("face-cli-\(UUID().uuidString)")

    private func run(_ tool: String, _ arguments: [String], cache: String = "cache") throws
        -> (status: Int32, stdout: String, stderr: String) {
        let process = try self.process(tool, arguments, cache: cache)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.runFenced()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, stdout, stderr)
    }

    private func process(_ tool: String, _ arguments: [String], cache: String = "cache") throws -> Process {
        let binary = PredictTests.root.appendingPathComponent(".build/release/\(tool)")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "run the tests with `make test` (it builds the binaries)")
        // An empty --config file: the built-in defaults, whatever the repository's pipeline.yaml says.
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try "# built-in defaults\n".write(to: work.appendingPathComponent("defaults.yaml"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = binary
        var paths = ["--models-dir", PredictTests.root.appendingPathComponent("models").path]
        if tool != "predict" {
            paths += ["--data-dir", work.appendingPathComponent("data").path, "--cache-dir", work.appendingPathComponent(cache).path,
                      "--config", work.appendingPathComponent("defaults.yaml").path]
        }
        if tool == "train" { paths += ["--results-dir", work.appendingPathComponent("results").path] }
        process.arguments = arguments + paths
        return process
    }

    private var faceCacheURL: URL { work.appendingPathComponent("cache/F/faces_f8.h5") }

    @Test func faceCropsExtractTrainAndPredictOnRealFaces() throws {
        defer { try? FileManager.default.removeItem(at: work) }
        try FaceDataset.make(at: work.appendingPathComponent("data/F"))
        let extracted = try run("extract", ["--data", "F", "--frames", "8", "--crop", "face"])
        #expect(extracted.status == 0, "stderr: \(extracted.stderr)")
        #expect(extracted.stdout.contains("13 videos (12 extracted, 0 reused), 96 frames embedded, 1 failures"), "\(extracted.stdout)")

        let faces = try FaceCacheReader(url: faceCacheURL)
        #expect(faces.records.count == 12)
        #expect(faces.failures.map(\.path) == ["real/no-face.mp4"])
        #expect(faces.failures.first?.reason.contains(FaceError.noFaceMarker) == true)
        try checkTracks(faces)

        let embeddings = try EmbeddingCacheReader(url: work.appendingPathComponent("cache/F/mobilenetv2_face_f8.h5"))
        #expect(embeddings.metadata.cropPolicy == "face")
        #expect(embeddings.metadata.faceScale == 1.3)
        #expect(embeddings.metadata.faceTracksSHA256 == faces.metadata.settingsSHA256)
        #expect(embeddings.videoCount == 12 && embeddings.failures.map(\.path) == ["real/no-face.mp4"])

        let trained = try run("train", ["fit", "--data", "F", "--frames", "8", "--crop", "face", "--arch", "gru1-fc1",
                                        "--epochs", "3"])
        #expect(trained.status == 0, "stderr: \(trained.stderr)")
        let model = work.appendingPathComponent("results/F/mobilenetv2_face_f8/gru1-fc1/model.h5")
        let file = try ModelFile.read(from: model)
        #expect(file.cropPolicy == "face" && file.face?.scale == 1.3 && file.face?.tracksSHA256 == faces.metadata.settingsSHA256)

        let predicted = try run("predict", ["--model", model.path, "--json", work.appendingPathComponent("data/F").path])
        #expect(predicted.status != 0, "the folder holds a video without a face, which must be reported")
        #expect(predicted.stdout.contains("\"valid_frames\" : 8") && predicted.stdout.contains(FaceError.noFaceMarker),
                "\(predicted.stdout)")

        // Another backbone's face crops reuse the tracks: nothing is detected again.
        let other = try run("extract", ["--data", "F", "--frames", "8", "--crop", "face", "--backbone", "efficientnet-lite0"])
        #expect(other.status == 0, "stderr: \(other.stderr)")
        #expect(other.stderr.contains("faces: 0 videos detected"), "\(other.stderr)")
    }

    /// The subject keeps its track, boxes live in display pixels, and static photos are found in every frame.
    private func checkTracks(_ faces: FaceCacheReader) throws {
        let rotated = try #require(faces.record(forPath: "real/astronaut-rotated.mp4"))
        #expect(rotated.frameWidth == 360 && rotated.frameHeight == 480, "display size of a rotated clip")
        let portrait = try #require(faces.record(forPath: "real/messi-portrait.mp4"))
        #expect(portrait.frameWidth == 360 && portrait.frameHeight == 640)
        for record in faces.records where !record.path.contains("passer-by") {
            #expect(record.track.found.allSatisfy { $0 }, "\(record.path): a still photo's face is found in every frame")
        }
        // The astronaut stays the subject when a larger face joins on the other side (mirrored in the fake).
        let passer = try #require(faces.record(forPath: "real/passer-by.mp4"))
        #expect(passer.track.boxes.allSatisfy { $0.x2 < 480 }, "\(passer.track.boxes)")
        let mirrored = try #require(faces.record(forPath: "fake/passer-by-mirrored.mp4"))
        #expect(mirrored.track.boxes.allSatisfy { $0.x1 > 480 }, "\(mirrored.track.boxes)")
        // Boxes of the upright photo and its stored-turned copy agree once the rotation is applied.
        let upright = try #require(faces.record(forPath: "real/astronaut-zoom.mp4"))
        #expect(upright.track.boxes[0].width > 50 && rotated.track.boxes[0].width > 50)
    }

    @Test func aFaceStageKilledWithSigkillResumesToTheSameFaceCache() throws {
        defer { try? FileManager.default.removeItem(at: work) }
        try FaceDataset.make(at: work.appendingPathComponent("data/F"))
        let reference = try run("extract", ["faces", "--data", "F", "--frames", "8"], cache: "reference")
        #expect(reference.status == 0, "stderr: \(reference.stderr)")

        let journal = URL(fileURLWithPath: faceCacheURL.path + ".journal")
        let victim = try process("extract", ["faces", "--data", "F", "--frames", "8"])
        victim.standardError = FileHandle.nullDevice
        victim.standardOutput = FileHandle.nullDevice
        try victim.runFenced()
        // Kill once the journal holds some videos (a face record is ~0.5 KB at 8 frames) and before the end.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, victim.isRunning,
              ((try? FileManager.default.attributesOfItem(atPath: journal.path)[.size] as? Int) ?? nil ?? 0) < 1500 {
            usleep(1_000)
        }
        kill(victim.processIdentifier, SIGKILL)
        victim.waitUntilExit()
        #expect(!FileManager.default.fileExists(atPath: faceCacheURL.path), "a killed run must not leave a face cache that looks complete")

        let resumed = try run("extract", ["faces", "--data", "F", "--frames", "8"])
        #expect(resumed.status == 0, "stderr: \(resumed.stderr)")
        #expect(!resumed.stdout.contains(", 0 reused"), "the resumed run should reuse journaled videos: \(resumed.stdout)")
        let final = try FaceCacheReader(url: faceCacheURL)
        let expected = try FaceCacheReader(url: work.appendingPathComponent("reference/F/faces_f8.h5"))
        #expect(final.records == expected.records, "MTCNN runs the same kernels in the same order: identical tracks")
        #expect(final.failures == expected.failures)
    }
}
