import Foundation
import Testing
@testable import Train

/// `predict FOLDER` lists videos by the dataset walk's rules: a linked folder leading outside is not followed,
/// a linked video inside is kept, and the listing is sorted.
@Suite struct PredictFolderTests {
    @Test func aLinkedFolderOutsideIsNotFollowed() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("predict-folder-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        let folder = base.appendingPathComponent("clips"), outside = base.appendingPathComponent("outside")
        for directory in [folder.appendingPathComponent("sub"), outside] {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }
        for file in [folder.appendingPathComponent("sub/b.mp4"), folder.appendingPathComponent("a.mp4"),
                     outside.appendingPathComponent("c.mp4")] {
            try Data([0]).write(to: file)
        }
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("away"), withDestinationURL: outside)
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("linked.mp4"),
                                                   withDestinationURL: folder.appendingPathComponent("a.mp4"))
        let found = try VideoPredictor.videos(at: folder).map { $0.lastPathComponent }
        #expect(found == ["a.mp4", "linked.mp4", "b.mp4"])
    }
}
