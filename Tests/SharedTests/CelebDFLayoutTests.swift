import Foundation
import Testing
@testable import Shared

@Suite struct CelebDFLayoutTests {
    let mini: DatasetMiniature

    /// Ten celebrities in four swap clusters {0,1,2,3} {4,5} {6,7,8} {9}, three real videos each,
    /// ten YouTube-real videos, and the official list's format (1 = real!, no trailing newline).
    init() throws {
        mini = try DatasetMiniature()
        for celeb in 0..<10 {
            try mini.touch((0..<3).map { "Celeb-real/id\(celeb)_000\($0).mp4" }, in: "Celeb-DF-v2")
        }
        try mini.touch(["id0_id1_0000", "id1_id0_0001", "id2_id3_0000", "id1_id2_0002", "id3_id0_0002",
                        "id4_id5_0000", "id5_id4_0001", "id6_id7_0000", "id7_id8_0001", "id8_id6_0002"]
            .map { "Celeb-synthesis/\($0).mp4" }, in: "Celeb-DF-v2")
        try mini.touch((0..<10).map { String(format: "YouTube-real/%05d.mp4", $0) }, in: "Celeb-DF-v2")
        try mini.touch("Celeb-synthesis/weird name.mp4", in: "Celeb-DF-v2")
        try mini.touch("Celeb-real/README.txt", in: "Celeb-DF-v2")
        try mini.write("1 YouTube-real/00003.mp4\n1 Celeb-real/id0_0001.mp4\n0 Celeb-synthesis/id0_id1_0000.mp4\n0 Celeb-synthesis/id4_id5_0000.mp4",
                       to: "List_of_testing_videos.txt", in: "Celeb-DF-v2")
    }

    @Test func labelsComeFromFoldersAndTheInvertedListMarksTheTestSplit() throws {
        let listing = try mini.list("Celeb-DF-v2")
        #expect(listing.source.contains("List_of_testing_videos.txt"))
        #expect(listing.videos.count == 30 + 10 + 10 + 1)
        #expect(listing.ignoredFiles == 1)
        #expect(listing.video("YouTube-real/00003.mp4")?.label == .real)  // listed as "1": real in Celeb-DF's convention
        #expect(listing.video("Celeb-synthesis/id0_id1_0000.mp4")?.label == .fake)  // listed as "0"
        #expect(listing.videos.filter { $0.label == .fake }.count == 11)
        let test = listing.videos.filter { $0.split == "test" }.map(\.relativePath)
        #expect(test == ["Celeb-real/id0_0001.mp4", "Celeb-synthesis/id0_id1_0000.mp4", "Celeb-synthesis/id4_id5_0000.mp4",
                         "YouTube-real/00003.mp4"])
        #expect(listing.videos.filter { $0.split != nil && $0.split != "test" }.isEmpty)
    }

    @Test func groupsJoinSwappedCelebritiesAndKeepYouTubeVideosApart() throws {
        let listing = try mini.list("Celeb-DF-v2", options: LayoutOptions(joinSwapPartners: true))
        let group = { (path: String) in listing.video(path)?.group }
        // id0 and id3 meet only through id0-id1, id1-id2, id2-id3 swaps (and id3_id0).
        #expect(group("Celeb-real/id0_0000.mp4") == group("Celeb-real/id3_0002.mp4"))
        #expect(group("Celeb-real/id0_0000.mp4") == group("Celeb-synthesis/id2_id3_0000.mp4"))
        #expect(group("Celeb-real/id4_0000.mp4") == group("Celeb-synthesis/id5_id4_0001.mp4"))
        #expect(group("Celeb-real/id0_0000.mp4") != group("Celeb-real/id4_0000.mp4"))
        #expect(group("Celeb-real/id9_0000.mp4") == "celeb:id9")
        #expect(group("YouTube-real/00001.mp4") != group("YouTube-real/00002.mp4"))
        #expect(group("Celeb-synthesis/weird name.mp4") == "file:Celeb-synthesis/weird name.mp4")
        #expect(listing.unparsedNames == 1)
        #expect(listing.warnings.contains { $0.contains("weird name.mp4") && $0.contains("id<T>_id<S>_<NNNN>") })
        #expect(Set(listing.videos.compactMap(\.group)).count == 4 + 10 + 1)
    }

    @Test(arguments: [LayoutOptions(joinSwapPartners: false), LayoutOptions()])
    func byDefaultOrOnRequestAFakeFollowsItsTargetOnly(options: LayoutOptions) throws {
        let listing = try mini.list("Celeb-DF-v2", options: options)
        #expect(listing.video("Celeb-synthesis/id2_id3_0000.mp4")?.group == "celeb:id2")
        #expect(listing.video("Celeb-real/id3_0000.mp4")?.group == "celeb:id3")
        #expect(Set(listing.videos.compactMap(\.group)).count == 10 + 10 + 1)
    }

    @Test func theOfficialTestSplitIsKeptAndTrainValAreSplitByCelebrity() throws {
        let listing = try mini.list("Celeb-DF-v2")
        let result = try VideoSplitter().split(listing.videos, seed: 42)
        for (video, split) in zip(listing.videos, result.assignments) {
            #expect((video.split == "test") == (split == "test"), "\(video.relativePath) -> \(split)")
        }
        #expect(groupsInSeveralSplits(listing.videos, result.assignments, only: ["train", "val"]).isEmpty)
        let train = try #require(result.summary.row("train"))
        let val = try #require(result.summary.row("val"))
        #expect(train.real > 0 && train.fake > 0 && val.videos > 0)
        #expect(result.summary.row("test")?.videos == 4)
        #expect(result.summary.line.hasPrefix("train \(train.videos) (\(train.real) real, \(train.fake) fake, \(train.groups) groups)"))
    }

    @Test func aVideosLevelInsideTheFoldersIsFoundFromTheListsPaths() throws {
        try mini.touch(["Celeb-real/videos/id0_0000.mp4", "Celeb-synthesis/videos/id0_id1_0000.mp4", "YouTube-real/videos/00000.mp4"],
                       in: "Nested")
        try mini.write("1 Celeb-real/id0_0000.mp4\r\n0 Celeb-synthesis/id0_id1_0000.mp4\r\n", to: "List_of_testing_videos.txt", in: "Nested")
        let listing = try mini.list("Nested")
        #expect(listing.video("Celeb-real/videos/id0_0000.mp4")?.split == "test")
        #expect(listing.video("Celeb-synthesis/videos/id0_id1_0000.mp4")?.split == "test")
        #expect(listing.video("YouTube-real/videos/00000.mp4")?.split == nil)
    }

    @Test func withoutTheListThereIsNoFixedSplitAndAWarning() throws {
        try mini.touch(["Celeb-real/id0_0000.mp4", "Celeb-synthesis/id0_id1_0000.mp4"], in: "NoList")
        let listing = try mini.list("NoList")
        #expect(listing.videos.allSatisfy { $0.split == nil })
        #expect(listing.warnings.contains { $0.contains("List_of_testing_videos.txt is missing") })
        #expect(listing.warnings.contains { $0.contains("YouTube-real/ is missing") })
    }

    @Test func badListLinesNameTheFileLineAndFix() throws {
        let layout = DatasetLayout(name: "Celeb-DF-v2", dataDirectory: mini.dataDir)
        try mini.write("1 Celeb-real/id0_0000.mp4\n1 Celeb-real/id42_0000.mp4\n", to: "List_of_testing_videos.txt", in: "Celeb-DF-v2")
        let missing = #expect(throws: DatasetError.self) { try layout.list() }
        #expect(missing?.description.contains("List_of_testing_videos.txt:2") == true)
        #expect(missing?.description.contains("Celeb-real/id42_0000.mp4") == true)
        #expect(missing?.description.contains("same Celeb-DF version") == true)

        // Someone "fixing" the list to this project's 1 = fake convention is caught, not silently flipped.
        try mini.write("0 Celeb-real/id0_0000.mp4", to: "List_of_testing_videos.txt", in: "Celeb-DF-v2")
        let flipped = #expect(throws: DatasetError.self) { try layout.list() }
        #expect(flipped?.description.contains("List_of_testing_videos.txt:1") == true)
        #expect(flipped?.description.contains("contradicts Celeb-real/") == true)
        #expect(flipped?.description.contains("1 = real, 0 = fake") == true)

        try mini.write("real Celeb-real/id0_0000.mp4", to: "List_of_testing_videos.txt", in: "Celeb-DF-v2")
        let label = #expect(throws: DatasetError.self) { try layout.list() }
        #expect(label?.description.contains("'real' is not 0 or 1") == true)

        try mini.write("1 Elsewhere/id0_0000.mp4", to: "List_of_testing_videos.txt", in: "Celeb-DF-v2")
        let folder = #expect(throws: DatasetError.self) { try layout.list() }
        #expect(folder?.description.contains("Elsewhere/id0_0000.mp4") == true)

        try mini.write("1 YouTube-real/00001.mp4\n1 YouTube-real/00001.mp4", to: "List_of_testing_videos.txt", in: "Celeb-DF-v2")
        let twice = #expect(throws: DatasetError.self) { try layout.list() }
        #expect(twice?.description.contains("listed twice") == true)
    }

    @Test func labelsCSVStillWinsOverCelebDFFolders() throws {
        try mini.write("path,label\nCeleb-real/id0_0000.mp4,fake\n", to: "labels.csv", in: "Celeb-DF-v2")
        let listing = try mini.list("Celeb-DF-v2")
        #expect(listing.source == "labels.csv")
        #expect(listing.videos.map(\.label) == [.fake])
    }
}
