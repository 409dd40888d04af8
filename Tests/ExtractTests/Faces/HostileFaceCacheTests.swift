import Foundation
import Testing
@testable import Extract
import Shared

/// Damaged or hostile face-track caches give one clear error naming the file, the dataset and the problem,
/// never a trap or an allocation the size of a claimed extent.
@Suite struct HostileFaceCacheTests {
    /// Rows after sorting: a.mp4 (seed 2), b.mp4 (seed 1: short, portrait), c.mp4 (seed 4).
    let videos = [FaceCacheFixtures.wanted("a.mp4", seed: 2), FaceCacheFixtures.wanted("b.mp4", seed: 1),
                  FaceCacheFixtures.wanted("c.mp4", seed: 4)]

    /// A valid three-video cache, changed by `damage` through the HDF5 wrapper.
    private func cache(_ damage: (HDF5File) throws -> Void, name: String = #function) throws -> URL {
        let directory = try CacheFixtures.directory(name)
        let url = directory.appendingPathComponent("faces_f4.h5")
        try FaceCacheFixtures.buildUninterrupted(at: url, wanted: videos)
        let file = try HDF5File.open(url, access: .readWrite)
        try damage(file)
        try file.close()
        return url
    }

    /// The reader, and a session about to update the cache, refuse `url` with one line naming the file,
    /// the kind of cache and every piece of `expected`.
    private func expectRefused(_ url: URL, _ expected: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        let error = #expect(throws: CacheFormatError.self, sourceLocation: sourceLocation) { try FaceCacheReader(url: url) }
        let text = error?.description ?? ""
        for part in expected + [url.path, "is not a valid face-track cache"] {
            #expect(text.contains(part), "'\(part)' missing from: \(text)", sourceLocation: sourceLocation)
        }
        #expect(!text.contains("\n"), sourceLocation: sourceLocation)
        let session = #expect(throws: CacheFormatError.self, sourceLocation: sourceLocation) {
            try FaceCacheWriteSession(cacheURL: url, metadata: FaceCacheFixtures.metadata())
        }
        #expect(session?.description == error?.description, sourceLocation: sourceLocation)
    }

    private func replace<Element: HDF5Scalar>(_ file: HDF5File, _ name: String, _ type: Element.Type, shape: [Int],
                                              chunk: [Int]? = nil, values: [Element]? = nil) throws {
        try file.removeChild(name)
        let dataset = try file.createDataset(name, of: type, shape: shape, chunk: chunk)
        if let values { try dataset.write(values) }
    }

    @Test func wrongRanksExtentsAndTypesAreRefused() throws {
        let rank = try cache { try replace($0, "boxes", Float.self, shape: [3, 4], values: [Float](repeating: 1, count: 12)) }
        expectRefused(rank, ["/boxes has rank 2 (shape [3, 4]), expected shape [N, 4, 4]"])
        let landmarks = try cache {
            try replace($0, "landmarks", Float.self, shape: [3, 4, 4, 2], values: [Float](repeating: 1, count: 96))
        }
        expectRefused(landmarks, ["/landmarks has shape [3, 4, 4, 2], expected [3, 4, 5, 2]"])
        let type = try cache { try replace($0, "boxes", Int32.self, shape: [3, 4, 4], values: [Int32](repeating: 1, count: 48)) }
        expectRefused(type, ["/boxes holds int32 elements, expected floating point"])
        let scalar = try cache { try replace($0, "frame_sizes", Int32.self, shape: []) }
        expectRefused(scalar, ["/frame_sizes is a scalar (rank 0)"])
    }

    @Test func hugeClaimedExtentsAreRefusedBeforeAnythingIsAllocated() throws {
        let huge = 1 << 33
        let frames = try cache { try $0.setAttribute("frames", Int64(huge)) }
        expectRefused(frames, ["attribute frames is \(huge)", "outside 1...4096"])
        let sparse = try cache { try replace($0, "landmarks", Float.self, shape: [3, 4, 5, 2], chunk: [1, 4, 5, 2]) }
        expectRefused(sparse, ["/landmarks claims shape [3, 4, 5, 2]", "does not store"])
        let rows = try cache { try replace($0, "scores", Float.self, shape: [huge, 4], chunk: [1024, 4]) }
        expectRefused(rows, ["/scores has shape [\(huge), 4], expected [3, 4]"])
    }

    @Test func nonFiniteOrFarAwayBoxesAndLandmarksAreRefusedNamingVideoAndSlot() throws {
        for (value, shown) in [(Float.nan, "nan"), (.infinity, "inf"), (1e9, "1e+09")] {
            let box = try cache { file in
                var boxes = try file.dataset("boxes").read(as: Float.self)
                boxes[32 + 2 * 4 + 2] = value  // c.mp4 (row 2), slot 2, x2
                try file.dataset("boxes").write(boxes)
            }
            expectRefused(box, ["row 2 'c.mp4': /boxes slot 2 is (", shown, "boxes are finite"])
            let landmark = try cache { file in
                var landmarks = try file.dataset("landmarks").read(as: Float.self)
                landmarks[40 + 3] = value  // b.mp4, slot 0, second point's y
                try file.dataset("landmarks").write(landmarks)
            }
            expectRefused(landmark, ["row 1 'b.mp4': /landmarks slot 0 holds (", shown])
        }
        let empty = try cache { file in
            var boxes = try file.dataset("boxes").read(as: Float.self)
            boxes[2] = boxes[0]  // a.mp4 slot 0: x2 = x1
            try file.dataset("boxes").write(boxes)
        }
        expectRefused(empty, ["row 0 'a.mp4': /boxes slot 0"])
        let padded = try cache { file in
            var boxes = try file.dataset("boxes").read(as: Float.self)
            boxes[16 + 12] = 5  // b.mp4's padded last slot
            try file.dataset("boxes").write(boxes)
        }
        expectRefused(padded, ["'b.mp4': /boxes or /landmarks slot 3 is not zero"])
    }

    @Test func frameIndicesOutOfRangeAreRefused() throws {
        for (value, expected) in [(Int32(500), "/frame_indices slot 1 is 500"), (-7, "/frame_indices slot 1 is -7")] {
            let url = try cache { file in
                var indices = try file.dataset("frame_indices").read(as: Int32.self)
                indices[1] = value
                try file.dataset("frame_indices").write(indices)
            }
            expectRefused(url, ["row 0 'a.mp4': \(expected)", "0...101"])
        }
        let realPadding = try cache { file in
            var valid = try file.dataset("valid").read(as: UInt8.self)
            valid[7] = 1  // b.mp4's padded slot claims a frame; its index stays -1
            try file.dataset("valid").write(valid)
        }
        expectRefused(realPadding, ["'b.mp4': /valid marks slot 3 as a real frame but its frame index is -1"])
    }

    @Test func flagsAndScoresOutsideTheirValuesAreRefused() throws {
        let flag = try cache { file in
            var found = try file.dataset("face_found").read(as: UInt8.self)
            found[5] = 2
            try file.dataset("face_found").write(found)
        }
        expectRefused(flag, ["/face_found holds 2 for 'b.mp4'; values are 0 or 1"])
        let paddedFound = try cache { file in
            var found = try file.dataset("face_found").read(as: UInt8.self)
            found[7] = 1
            try file.dataset("face_found").write(found)
        }
        expectRefused(paddedFound, ["'b.mp4': /face_found marks slot 3 as found but it holds no frame"])
        let score = try cache { file in
            var scores = try file.dataset("scores").read(as: Float.self)
            scores[1] = 0.5  // a.mp4 slot 1 was interpolated: not found, so no score
            try file.dataset("scores").write(scores)
        }
        expectRefused(score, ["'a.mp4': /scores slot 1 is 0.5"])
        let sizes = try cache { try $0.dataset("frame_sizes").write([Int32](repeating: 0, count: 6)) }
        expectRefused(sizes, ["'a.mp4': /frame_sizes is 0 x 0"])
    }

    @Test func anotherKindOfFileOrBadSettingsAreRefused() throws {
        let directory = try CacheFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let embeddings = directory.appendingPathComponent("mobilenet_v2_f4.h5")
        try CacheFixtures.buildUninterrupted(at: embeddings, wanted: [CacheFixtures.wanted("a.mp4", seed: 2)])
        expectRefused(embeddings, ["attribute kind is '(none)', expected 'face-tracks'"])
        let thresholds = try cache { try $0.setAttribute("detector_thresholds", [Float(0.6), 0.7]) }
        expectRefused(thresholds, ["attribute detector_thresholds is [0.6, 0.7], expected three values in 0...1"])
        let factor = try cache { try $0.setAttribute("detector_scale_factor", Double.nan) }
        expectRefused(factor, ["attribute detector_scale_factor is nan, outside (0, 1)"])
        let version = try cache { try $0.setAttribute("format_version", Int64(2)) }
        expectRefused(version, ["format_version is 2, this tool reads 1"])
    }

    @Test func aDamagedJournalRecordIsDroppedNotTrusted() throws {
        let directory = try CacheFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("faces_f4.h5")
        do {
            var killed = try FaceCacheWriteSession(cacheURL: url, metadata: FaceCacheFixtures.metadata())
            for video in videos { try killed.append(FaceCacheFixtures.tracked(video)) }
        }
        let journalURL = CacheSchema.journalURL(for: url)
        var bytes = try [UInt8](Data(contentsOf: journalURL))
        bytes[bytes.count - 30] ^= 0x10  // inside the last record's landmarks: its checksum no longer matches
        try Data(bytes).write(to: journalURL)
        var session = try FaceCacheWriteSession(cacheURL: url, metadata: FaceCacheFixtures.metadata())
        #expect(videos.filter(session.needsExtraction).map(\.path) == ["c.mp4"])
        try session.append(FaceCacheFixtures.tracked(videos[2]))
        try session.finish(keeping: videos)
        #expect(try FaceCacheReader(url: url).records == videos.map(FaceCacheFixtures.tracked))
    }
}
