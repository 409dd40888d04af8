import Foundation
import Testing
@testable import Extract
import Shared

enum FaceCacheFixtures {
    static let frames = 4

    static func metadata(detectionMaxSide: Int = 1280, pnet: String = "a2a71925",
                         tracking: FaceTrackingSettings = .init(), toolVersion: String = "0.1.0") -> FaceCacheMetadata {
        FaceCacheMetadata(dataset: "toy", frames: frames, samplingPolicy: "exact-v1",
                          detector: "mtcnn facenet-pytorch-2.6.0 min-face 20 factor 0.709 thresholds 0.6,0.7,0.7",
                          detectorMinFaceSize: 20, detectorScaleFactor: 0.709, detectorThresholds: [0.6, 0.7, 0.7],
                          detectionMaxSide: detectionMaxSide, pnetSHA256: pnet, rnetSHA256: "bbb937de",
                          onetSHA256: "165bfbe4", tracking: tracking, toolVersion: toolVersion)
    }

    /// A wanted video whose track is determined by `seed`.
    static func wanted(_ path: String, seed: Int, split: String? = nil, group: String? = nil) -> WantedVideo {
        var video = CacheFixtures.wanted(path, seed: seed, split: split)
        video.group = group
        return video
    }

    /// What the face stage would produce for `wanted`: the subject drifts right; the second slot has no face
    /// (interpolated); an odd seed is a short video (last slot padded) and a portrait one.
    static func tracked(_ wanted: WantedVideo) -> FaceTrackRecord {
        let seed = Int(wanted.bytes - 1000)
        let short = seed % 2 == 1
        var detections: [[FaceDetection]?] = (0..<frames).map { slot in
            [face(100 + Float(seed * 3 + slot * 4), 50 + Float(seed), size: 60 + Float(seed),
                  probability: 0.9 + Float(slot) * 0.02)]
        }
        detections[1] = []
        var frameIndices = (0..<frames).map { Int32($0 * 10 + seed) }
        var valid = [Bool](repeating: true, count: frames)
        if short {
            detections[frames - 1] = nil
            frameIndices[frames - 1] = -1
            valid[frames - 1] = false
        }
        return FaceTrackRecord(path: wanted.path, label: wanted.label, split: wanted.split, group: wanted.group,
                               bytes: wanted.bytes, mtime: wanted.mtime, totalFrames: Int32(100 + seed),
                               frameIndices: frameIndices, valid: valid, frameWidth: short ? 360 : 640,
                               frameHeight: short ? 640 : 360, track: FaceTracking.track(detections)!)
    }

    static func failure(_ video: WantedVideo) -> CacheFailure {
        CacheFailure(path: video.path, reason: "no face in any of the \(frames) sampled frames",
                     bytes: video.bytes, mtime: video.mtime)
    }

    @discardableResult
    static func buildUninterrupted(at url: URL, wanted: [WantedVideo], failing: Set<String> = [],
                                   metadata: FaceCacheMetadata = metadata()) throws -> URL {
        var session = try FaceCacheWriteSession(cacheURL: url, metadata: metadata)
        for video in wanted where session.needsExtraction(video) {
            if failing.contains(video.path) {
                try session.recordFailure(failure(video))
            } else {
                try session.append(tracked(video))
            }
        }
        return try session.finish(keeping: wanted)
    }
}

/// The whole file as h5dump prints it (every dataset's values, type, shape and chunking, every attribute),
/// with the file name and the creation time blanked: two caches with equal dumps hold the same content.
func faceCacheDump(_ url: URL) throws -> String {
    let dump = try runCommand("/usr/bin/h5dump", ["-p", url.path])
    #expect(dump.status == 0, "h5dump said: \(dump.output)")
    return dump.output.replacingOccurrences(of: url.path, with: "FILE")
        .replacingOccurrences(of: #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"#, with: "TIME", options: .regularExpression)
}
