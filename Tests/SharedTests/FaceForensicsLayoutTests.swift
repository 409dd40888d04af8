import Foundation
import Testing
@testable import Shared

@Suite struct FaceForensicsLayoutTests {
    let mini: DatasetMiniature
    static let pairs = [("000", "003"), ("001", "004"), ("002", "005"), ("006", "008"), ("007", "009"),
                        ("010", "013"), ("011", "014"), ("012", "015"), ("016", "018"), ("017", "019")]
    static let actors = ["01", "02", "03", "04", "05", "06", "07", "08"]
    static let scenes = ["exit_phone_room", "kitchen_pan", "outside_talking_still_laughing"]

    /// FF++ c23 with Deepfakes and Face2Face, NeuralTextures only in c40, DFD c23, masks and an unknown folder.
    init() throws {
        mini = try DatasetMiniature()
        let ids = Self.pairs.flatMap { [$0.0, $0.1] }
        for id in ids {
            try mini.touch("original_sequences/youtube/c23/videos/\(id).mp4", in: "FF")
            try mini.touch("original_sequences/youtube/c40/videos/\(id).mp4", in: "FF")
        }
        for (a, b) in Self.pairs {
            for name in ["\(a)_\(b)", "\(b)_\(a)"] {
                try mini.touch("manipulated_sequences/Deepfakes/c23/videos/\(name).mp4", in: "FF")
                try mini.touch("manipulated_sequences/Face2Face/c23/videos/\(name).mp4", in: "FF")
                try mini.touch("manipulated_sequences/NeuralTextures/c40/videos/\(name).mp4", in: "FF")
                try mini.touch("manipulated_sequences/Deepfakes/masks/videos/\(name).mp4", in: "FF")
            }
        }
        try Self.makeDFD(mini, in: "FF")
        try mini.touch("manipulated_sequences/Mystery/c23/videos/000_003.mp4", in: "FF")
        try mini.touch("original_sequences/youtube/c23/videos/conversion_notes.json", in: "FF")
    }

    /// Eight actors in pairs (01,02) (03,04) (05,06) (07,08), every actor in three scenes.
    static func makeDFD(_ mini: DatasetMiniature, in dataset: String) throws {
        for actor in actors {
            for scene in scenes { try mini.touch("original_sequences/actors/c23/videos/\(actor)__\(scene).mp4", in: dataset) }
        }
        for pair in stride(from: 0, to: actors.count, by: 2) {
            let (a, b) = (actors[pair], actors[pair + 1])
            for scene in scenes {
                try mini.touch("manipulated_sequences/DeepFakeDetection/c23/videos/\(a)_\(b)__\(scene)__YVGY8LOK.mp4", in: dataset)
                try mini.touch("manipulated_sequences/DeepFakeDetection/c23/videos/\(b)_\(a)__\(scene)__0A1B2C3D.mp4", in: dataset)
            }
        }
    }

    @Test func defaultsTakeEveryMethodAtC23AndSkipWhatLacksIt() throws {
        let listing = try mini.list("FF")
        #expect(listing.source == "FaceForensics++ and DFD c23 (originals: youtube, actors; fakes: Deepfakes, Face2Face, DeepFakeDetection)")
        #expect(listing.videos.count == 20 + 20 + 20 + 24 + 24)
        #expect(listing.videos.filter { $0.label == .real }.count == 20 + 24)
        #expect(listing.videos.allSatisfy { $0.relativePath.contains("/c23/videos/") })
        #expect(listing.videos.allSatisfy { $0.split == nil })
        #expect(listing.video("manipulated_sequences/Deepfakes/c23/videos/000_003.mp4")?.label == .fake)
        #expect(listing.video("original_sequences/youtube/c23/videos/000.mp4")?.label == .real)
        #expect(listing.ignoredFiles == 1)
        #expect(listing.unparsedNames == 0)
        #expect(listing.warnings.contains { $0.contains("NeuralTextures/ has no c23") })
        #expect(listing.warnings.contains { $0.contains("Mystery/ is not a known method") })
    }

    @Test func methodsAndCompressionAreSelectable() throws {
        let deepfakes = try mini.list("FF", options: LayoutOptions(methods: ["deepfakes"]))
        #expect(deepfakes.source == "FaceForensics++ c23 (originals: youtube; fakes: Deepfakes)")
        #expect(deepfakes.videos.count == 40)

        let textures = try mini.list("FF", options: LayoutOptions(methods: ["NeuralTextures"], compression: "c40"))
        #expect(textures.videos.count == 40)
        #expect(textures.videos.allSatisfy { $0.relativePath.contains("/c40/videos/") })

        // Only c40 exists for NeuralTextures, so naming it alone picks c40 by default.
        let onlyC40 = try mini.list("FF", options: LayoutOptions(methods: ["NeuralTextures"]))
        #expect(onlyC40.source == "FaceForensics++ c40 (originals: youtube; fakes: NeuralTextures)")
        #expect(onlyC40.videos.count == 40)
        let missing = #expect(throws: DatasetError.self) {
            try mini.list("FF", options: LayoutOptions(methods: ["NeuralTextures", "Deepfakes"], compression: "c40"))
        }
        #expect(missing?.description.contains("manipulated_sequences/Deepfakes/c40/videos does not exist") == true)
        #expect(missing?.description.contains("present: c23") == true)

        let ffpp = try mini.list("FF", options: LayoutOptions(methods: ["FF++"]))
        #expect(ffpp.source == "FaceForensics++ c23 (originals: youtube; fakes: Deepfakes, Face2Face)")
        let dfd = try mini.list("FF", options: LayoutOptions(methods: ["DFD"]))
        #expect(dfd.source == "DFD c23 (originals: actors; fakes: DeepFakeDetection)")
        #expect(dfd.videos.count == 48)
    }

    @Test func rawIsC0AndSeveralCompressionsWithoutC23MustBeChosen() throws {
        for id in ["000", "003"] {
            try mini.touch(["original_sequences/youtube/raw/videos/\(id).mp4", "original_sequences/youtube/c40/videos/\(id).mp4"], in: "Raw")
        }
        try mini.touch(["manipulated_sequences/Face2Face/raw/videos/000_003.mp4", "manipulated_sequences/Face2Face/c40/videos/000_003.mp4"],
                       in: "Raw")
        let ambiguous = #expect(throws: DatasetError.self) { try mini.list("Raw") }
        #expect(ambiguous?.description.contains("c0, c40") == true)
        #expect(ambiguous?.description.contains("choose one") == true)
        for name in ["c0", "RAW"] {
            let raw = try mini.list("Raw", options: LayoutOptions(compression: name))
            #expect(raw.videos.map(\.relativePath) == ["manipulated_sequences/Face2Face/raw/videos/000_003.mp4",
                                                       "original_sequences/youtube/raw/videos/000.mp4",
                                                       "original_sequences/youtube/raw/videos/003.mp4"])
        }
    }

    @Test func unknownOrMissingOptionsAreClearErrors() throws {
        let unknown = #expect(throws: DatasetError.self) { try mini.list("FF", options: LayoutOptions(methods: ["DeepFakes2"])) }
        #expect(unknown?.description.contains("'DeepFakes2'") == true)
        #expect(unknown?.description.contains("Deepfakes, Face2Face, FaceSwap") == true)
        let absent = #expect(throws: DatasetError.self) { try mini.list("FF", options: LayoutOptions(methods: ["FaceShifter"])) }
        #expect(absent?.description.contains("manipulated_sequences/FaceShifter does not exist") == true)
        let compression = #expect(throws: DatasetError.self) { try mini.list("FF", options: LayoutOptions(compression: "c99")) }
        #expect(compression?.description.contains("'c99'") == true)
        #expect(compression?.description.contains("c0 (alias raw), c23 or c40") == true)
    }

    @Test func dfdAloneIsRecognisedAutomatically() throws {
        try Self.makeDFD(mini, in: "DFD")
        let listing = try mini.list("DFD")
        #expect(listing.source == "DFD c23 (originals: actors; fakes: DeepFakeDetection)")
        #expect(listing.videos.filter { $0.label == .real }.count == 24)
        #expect(listing.videos.filter { $0.label == .fake }.count == 24)
    }

    @Test func groupsJoinSourcePairsAndBothActorsOfAFakeOnRequest() throws {
        let listing = try mini.list("FF", options: LayoutOptions(joinSwapPartners: true))
        let group = { (path: String) in listing.video(path)?.group }
        let youtube = "original_sequences/youtube/c23/videos/"
        #expect(group(youtube + "000.mp4") == "ffpp:000")
        #expect(group(youtube + "003.mp4") == "ffpp:000")
        #expect(group("manipulated_sequences/Face2Face/c23/videos/003_000.mp4") == "ffpp:000")
        #expect(group(youtube + "001.mp4") == "ffpp:001")
        let actors = "original_sequences/actors/c23/videos/"
        #expect(group(actors + "01__kitchen_pan.mp4") == "dfd:01")
        #expect(group(actors + "02__exit_phone_room.mp4") == "dfd:01")
        #expect(group("manipulated_sequences/DeepFakeDetection/c23/videos/04_03__kitchen_pan__0A1B2C3D.mp4") == "dfd:03")
        #expect(Set(listing.videos.compactMap(\.group)).count == 10 + 4)
    }

    @Test func byDefaultFFPairsJoinAndDFDFakesFollowTheirTargetActor() throws {
        try Self.makeDFD(mini, in: "DFD")
        let dfd = try mini.list("DFD")
        #expect(dfd.video("manipulated_sequences/DeepFakeDetection/c23/videos/04_03__kitchen_pan__0A1B2C3D.mp4")?.group == "dfd:04")
        let ff = try mini.list("FF", options: LayoutOptions(methods: ["FF++"]))
        #expect(ff.video("manipulated_sequences/Face2Face/c23/videos/003_000.mp4")?.group == "ffpp:000")
        #expect(ff.video("original_sequences/youtube/c23/videos/003.mp4")?.group == "ffpp:000")
    }

    @Test func unparsedNamesGetTheirOwnGroupAndAWarning() throws {
        try mini.touch(["original_sequences/actors/c23/videos/01__hall.mp4", "original_sequences/actors/c23/videos/actor1-hall.mp4",
                        "manipulated_sequences/DeepFakeDetection/c23/videos/01_02__hall__SHORT.mp4"], in: "Odd")
        let listing = try mini.list("Odd")
        #expect(listing.unparsedNames == 2)
        #expect(listing.video("original_sequences/actors/c23/videos/actor1-hall.mp4")?.group
                == "file:original_sequences/actors/c23/videos/actor1-hall.mp4")
        #expect(listing.warnings.contains { $0.contains("<AA>__<scene>") && $0.contains("actor1-hall.mp4") })
        #expect(listing.warnings.contains { $0.contains("<AA>_<BB>__<scene>__<id>") && $0.contains("01_02__hall__SHORT.mp4") })
    }

    @Test func aGroupedSplitNeverPutsAnIdentityOnBothSides() throws {
        let listing = try mini.list("FF")
        for seed: UInt64 in [1, 2, 3, 42] {
            let result = try VideoSplitter().split(listing.videos, seed: seed)
            #expect(groupsInSeveralSplits(listing.videos, result.assignments).isEmpty)
            #expect(result.summary.groupsInSeveralSplits == 0)
            for row in result.summary.rows {
                #expect(row.real > 0 && row.fake > 0, "seed \(seed): \(result.summary.line)")
            }
        }
    }
}
