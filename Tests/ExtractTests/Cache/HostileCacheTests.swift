import Foundation
import Testing
@testable import Extract
import Shared

/// Damaged or hostile caches give one clear error naming the file, the dataset and the problem, never a trap
/// or an allocation the size of the claimed extent.
@Suite struct HostileCacheTests {
    let videos = [CacheFixtures.wanted("a.mp4", seed: 2), CacheFixtures.wanted("b.mp4", seed: 1),
                  CacheFixtures.wanted("c.mp4", seed: 4)]

    /// A valid three-video cache, changed by `damage` through the HDF5 wrapper.
    private func cache(_ damage: (HDF5File) throws -> Void, wanted: [WantedVideo]? = nil,
                       name: String = #function) throws -> URL {
        let directory = try CacheFixtures.directory(name)
        let url = directory.appendingPathComponent("toy.h5")
        try CacheFixtures.buildUninterrupted(at: url, wanted: wanted ?? videos)
        let file = try HDF5File.open(url, access: .readWrite)
        try damage(file)
        try file.close()
        return url
    }

    /// The reader refuses `url` with one line naming the file and every piece of `expected`.
    private func expectRefused(_ url: URL, _ expected: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        let error = #expect(throws: CacheFormatError.self, sourceLocation: sourceLocation) { try EmbeddingCacheReader(url: url) }
        let text = error?.description ?? ""
        for part in expected + [url.path] {
            #expect(text.contains(part), "'\(part)' missing from: \(text)", sourceLocation: sourceLocation)
        }
        #expect(!text.contains("\n"), sourceLocation: sourceLocation)
    }

    @Test func scalarLabelsOrVideosAreRefusedForTrainAndExtract() throws {
        let labels = try cache { file in
            try file.removeChild("labels")
            try file.createDataset("labels", of: Int8.self, shape: [])
        }
        expectRefused(labels, ["/labels is a scalar (rank 0)", "[N]"])
        // extract opens the previous cache the same way before it extracts anything.
        #expect(throws: CacheFormatError.self) {
            try CacheWriteSession(cacheURL: labels, metadata: CacheFixtures.metadata())
        }
        let paths = try cache { file in
            try file.removeChild("videos")
            try file.createStringDataset("videos", shape: [])
        }
        expectRefused(paths, ["/videos is a scalar (rank 0)"])
    }

    @Test func hugeClaimedExtentsAreRefusedBeforeAnythingIsAllocated() throws {
        let huge = 1 << 34
        let declared = try cache { file in
            try file.removeChild("embeddings")
            try file.createDataset("embeddings", of: Float.self, shape: [3, CacheFixtures.frames, huge], chunk: [1, 1, 1024])
            try file.setAttribute("embedding_dim", Int64(huge))
        }
        expectRefused(declared, ["embedding_dim is \(huge)", "outside 1...16384"])

        let undeclared = try cache { file in
            try file.removeChild("embeddings")
            try file.createDataset("embeddings", of: Float.self, shape: [3, CacheFixtures.frames, huge], chunk: [1, 1, 1024])
        }
        expectRefused(undeclared, ["/embeddings has shape [3, 4, \(huge)], expected [3, 4, 8]"])

        let rows = try cache { file in
            try file.removeChild("videos")
            try file.createStringDataset("videos", shape: [1 << 31], chunk: [4096], unlimitedFirstDimension: true)
        }
        expectRefused(rows, ["/videos claims shape [2147483648]", "does not store"])

        let sparse = try cache { file in
            try file.removeChild("embeddings")
            try file.createDataset("embeddings", of: Float.self, shape: [3, CacheFixtures.frames, CacheFixtures.dimension],
                                   chunk: [1, CacheFixtures.frames, CacheFixtures.dimension])
        }
        expectRefused(sparse, ["/embeddings claims shape [3, 4, 8]", "does not store"])
    }

    @Test func nonFiniteOrHugeEmbeddingsAreRefusedNamingTheVideo() throws {
        for (value, shown) in [(Float(1e30), "1e+30"), (.nan, "NaN"), (-.infinity, "infinity")] {
            let url = try cache { file in
                var row = [Float](repeating: 0.5, count: CacheFixtures.frames * CacheFixtures.dimension)
                row[5] = value
                try file.dataset("embeddings").writeRows(row, startingAt: 1, count: 1)
            }
            let reader = try EmbeddingCacheReader(url: url)
            #expect(try reader.embeddings(at: 0).count == CacheFixtures.frames * CacheFixtures.dimension)
            let error = #expect(throws: CacheFormatError.self) { try reader.embeddings(at: 1) }
            for part in ["/embeddings", "'b.mp4'", shown, "element 5", url.path] {
                #expect(error?.description.contains(part) == true, "'\(part)' missing from \(error?.description ?? "")")
            }
        }
    }

    @Test func aVideoWithoutARealFrameIsRefused() throws {
        let url = try cache { file in
            try file.dataset("valid").writeRows([UInt8](repeating: 0, count: CacheFixtures.frames), startingAt: 0, count: 1)
        }
        expectRefused(url, ["/valid marks no frame of 'a.mp4' (row 0) as real"])
    }

    @Test func duplicatePathsAreRefused() throws {
        let many = (0..<60).map { CacheFixtures.wanted(String(format: "v%02d.mp4", $0), seed: $0) }
        let url = try cache({ file in
            try file.dataset("videos").writeStrings([String](repeating: "same.mp4", count: 60))
        }, wanted: many)
        expectRefused(url, ["/videos lists 'same.mp4' twice (rows 0 and 1)"])
    }

    @Test func labelsOtherThanZeroOrOneAreRefused() throws {
        let url = try cache { file in try file.dataset("labels").write([Int8](repeating: 7, count: 3)) }
        expectRefused(url, ["/labels is 7 at row 0 ('a.mp4')", "0 (real) or 1 (fake)"])
    }

    @Test func loadingEverythingChecksTheMemoryBudget() throws {
        let url = try cache { _ in }
        let reader = try EmbeddingCacheReader(url: url)
        try reader.checkFitsInMemory()
        let error = #expect(throws: CacheFormatError.self) { try reader.checkFitsInMemory(budget: 64) }
        #expect(error?.description.contains("memory budget") == true)
    }
}
