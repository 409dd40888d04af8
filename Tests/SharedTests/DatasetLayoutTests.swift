import Foundation
import Testing
@testable import Shared

@Suite struct DatasetLayoutTests {
    let dataDir: URL

    init() throws {
        dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("layout-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dataDir, withIntermediateDirectories: true)
    }

    private func touch(_ relative: String, in dataset: String) throws {
        let url = dataDir.appendingPathComponent(dataset).appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(relative.utf8).write(to: url)
    }

    private func write(_ text: String, to relative: String, in dataset: String) throws {
        let url = dataDir.appendingPathComponent(dataset).appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    @Test func realAndFakeFoldersAreSearchedRecursivelyAndSorted() throws {
        try touch("real/z.mp4", in: "D")
        try touch("fake/sub/deeper/b.AVI", in: "D")
        try touch("fake/a.mkv", in: "D")
        try touch("real/notes.txt", in: "D")
        let listing = try DatasetLayout(name: "D", dataDirectory: dataDir).list()
        #expect(listing.videos.map(\.relativePath) == ["fake/a.mkv", "fake/sub/deeper/b.AVI", "real/z.mp4"])
        #expect(listing.videos.map(\.label) == [.fake, .fake, .real])
        #expect(listing.ignoredFiles == 1)
        #expect(listing.videos[2].bytes == Int64("real/z.mp4".utf8.count))
    }

    @Test func labelsCSVWinsOverFoldersAndParsesSplits() throws {
        try touch("real/x.mp4", in: "D")
        try touch("clips/one.mp4", in: "D")
        try touch("clips/two.mp4", in: "D")
        try write("path,label,split\nclips/two.mp4,fake,test\nclips/one.mp4, 0 ,train\n\n", to: "labels.csv", in: "D")
        let listing = try DatasetLayout(name: "D", dataDirectory: dataDir).list()
        #expect(listing.source == "labels.csv")
        #expect(listing.videos.map(\.relativePath) == ["clips/one.mp4", "clips/two.mp4"])
        #expect(listing.videos.map(\.label) == [.real, .fake])
        #expect(listing.videos.map(\.split) == ["train", "test"])
    }

    @Test func labelsCSVGroupsKeepPairsTogether() throws {
        for i in 0..<4 { try touch("real/r\(i).mp4", in: "G"); try touch("fake/f\(i).mp4", in: "G") }
        let rows = (0..<4).flatMap { ["real/r\($0).mp4,0,pair\($0)", "fake/f\($0).mp4,1,pair\($0)"] }
        try write("path,label,group\n" + rows.joined(separator: "\n") + "\n", to: "labels.csv", in: "G")
        let listing = try DatasetLayout(name: "G", dataDirectory: dataDir).list()
        #expect(listing.videos.first { $0.relativePath == "fake/f2.mp4" }?.group == "pair2")
        #expect(listing.videos.allSatisfy { $0.split == nil })
        try write("path,label,group,group\nreal/r0.mp4,0,a,b\n", to: "labels.csv", in: "G")
        #expect(throws: DatasetError.self) { try DatasetLayout(name: "G", dataDirectory: dataDir).list() }
    }

    @Test func badLabelsLinesNameTheFileAndLine() throws {
        try touch("a.mp4", in: "D")
        let layout = DatasetLayout(name: "D", dataDirectory: dataDir)
        try write("path,label\na.mp4,maybe\n", to: "labels.csv", in: "D")
        let error = #expect(throws: DatasetError.self) { try layout.list() }
        #expect(error?.description.contains("labels.csv:2") == true)
        #expect(error?.description.contains("maybe") == true)
        try write("path,label\nmissing.mp4,1\n", to: "labels.csv", in: "D")
        let missing = #expect(throws: DatasetError.self) { try layout.list() }
        #expect(missing?.description.contains("missing.mp4") == true)
        try write("file,class\n", to: "labels.csv", in: "D")
        #expect(throws: DatasetError.self) { try layout.list() }
        try write("path,label\na.mp4,1\na.mp4,0\n", to: "labels.csv", in: "D")
        let twice = #expect(throws: DatasetError.self) { try layout.list() }
        #expect(twice?.description.contains("twice") == true)
    }

    @Test func missingEmptyAndLayoutlessFoldersAreClearErrors() throws {
        let missing = #expect(throws: DatasetError.self) { try DatasetLayout(name: "Nope", dataDirectory: dataDir).list() }
        #expect(missing?.description.contains("Nope") == true)
        try FileManager.default.createDirectory(at: dataDir.appendingPathComponent("Flat"), withIntermediateDirectories: true)
        try touch("video.mp4", in: "Flat")
        let noLayout = #expect(throws: DatasetError.self) { try DatasetLayout(name: "Flat", dataDirectory: dataDir).list() }
        #expect(noLayout?.description.contains("real/") == true)
        try touch("real/readme.md", in: "Empty")
        let empty = #expect(throws: DatasetError.self) { try DatasetLayout(name: "Empty", dataDirectory: dataDir).list() }
        #expect(empty?.description.contains("no video files") == true)
    }
}
