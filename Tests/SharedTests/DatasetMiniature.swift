import Foundation
@testable import Shared

/// A throwaway data directory in which tests build miniature copies of real dataset layouts
/// (real folder and file names, tiny placeholder files).
struct DatasetMiniature {
    let dataDir: URL

    init() throws {
        dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("miniature-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dataDir, withIntermediateDirectories: true)
    }

    func touch(_ relative: String, in dataset: String) throws {
        try write(relative, to: relative, in: dataset)
    }

    func touch(_ relatives: [String], in dataset: String) throws {
        for relative in relatives { try touch(relative, in: dataset) }
    }

    func write(_ text: String, to relative: String, in dataset: String) throws {
        let url = dataDir.appendingPathComponent(dataset).appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func list(_ dataset: String, options: LayoutOptions = LayoutOptions()) throws -> DatasetLayout.Listing {
        try DatasetLayout(name: dataset, dataDirectory: dataDir).list(options: options)
    }
}

extension DatasetLayout.Listing {
    func video(_ path: String) -> DatasetVideo? {
        videos.first { $0.relativePath == path }
    }
}

/// Groups of a split that land in more than one split (should be none without fixed assignments).
func groupsInSeveralSplits(_ videos: [DatasetVideo], _ assignments: [String], only splits: Set<String> = ["train", "val", "test"]) -> [String] {
    var seen: [String: Set<String>] = [:]
    for (video, split) in zip(videos, assignments) where splits.contains(split) {
        seen[video.group ?? "path:" + video.relativePath, default: []].insert(split)
    }
    return seen.filter { $0.value.count > 1 }.map(\.key).sorted()
}
