import Foundation

/// Finds a dataset's videos, labels, fixed splits and identity groups on disk (docs/datasets.md).
///
/// `list()` looks at `<data-dir>/<name>/` and takes the first layout that matches, in this order:
/// 1. `labels.csv` (header `path,label[,split]`): paths relative to the dataset folder, label 0/1 or
///    real/fake, split train/val/test. It wins over everything else because it is the explicit one.
///    No groups.
/// 2. Celeb-DF v1/v2 as unpacked (`Celeb-real/` or `Celeb-synthesis/` present, plus `YouTube-real/`):
///    labels from the folder (Celeb-real, YouTube-real real; Celeb-synthesis fake). The videos named in
///    `List_of_testing_videos.txt` get split "test"; that list writes 1 = real, 0 = fake, the opposite of
///    this project's 1 = fake, and is checked against the folders. Groups: celebrity ids, target and
///    source of a swap joined (union-find); each YouTube-real video is its own group.
/// 3. FaceForensics++ / DFD as downloaded (`original_sequences/` or `manipulated_sequences/` present):
///    `original_sequences/{youtube,actors}/<c>/videos` real, `manipulated_sequences/<Method>/<c>/videos`
///    fake; `LayoutOptions` picks methods and compression. Groups: FF++ source-video ids (target and
///    source of a fake joined, as the official split pairs do), DFD actor ids (both actors of a fake joined).
/// 4. `real/` and `fake/` sub-folders, searched recursively. No groups.
/// File names that do not follow a dataset's convention become their own group, with a warning.
/// `LayoutOptions.joinSwapPartners = false` groups a fake with its target identity only.
public struct DatasetLayout: Sendable {
    public let name: String
    public let root: URL

    public init(name: String, dataDirectory: URL) {
        self.name = name
        self.root = dataDirectory.appendingPathComponent(name, isDirectory: true)
    }

    /// The discovered videos, sorted by relative path, plus how many non-video files were passed over.
    public struct Listing: Sendable {
        public var videos: [DatasetVideo]
        public var ignoredFiles: Int
        /// Which layout was recognised, in words (e.g. "Celeb-DF folders + List_of_testing_videos.txt").
        public var source: String
        /// Things worth a look that did not stop the listing (unparsed names, skipped folders), one per line.
        public var warnings: [String] = []
        /// Videos whose file name did not follow the dataset's convention; each became its own group.
        public var unparsedNames: Int = 0
        /// Files that could have been videos but were passed over, each with its reason.
        public var skipped: [SkippedFile] = []

        /// "skipped N files: path (reason); ..." for stderr, or nil when nothing was skipped.
        public var skippedSummary: String? { SkippedFile.summary(skipped) }
    }

    public func list(options: LayoutOptions = LayoutOptions()) throws -> Listing {
        guard Self.isFolder(root) else { throw DatasetError.missingFolder(root.path) }
        let labelsFile = root.appendingPathComponent("labels.csv")
        var listing: Listing
        if FileManager.default.fileExists(atPath: labelsFile.path) {
            listing = Listing(videos: try LabelsCSV.read(labelsFile, datasetRoot: root), ignoredFiles: 0, source: "labels.csv")
        } else if CelebDFLayout.matches(root) {
            listing = try CelebDFLayout.list(root, options: options)
        } else if FaceForensicsLayout.matches(root) {
            listing = try FaceForensicsLayout.list(root, options: options)
        } else if hasFolder("real") || hasFolder("fake") {
            listing = try listFolders()
        } else {
            throw DatasetError.noLayout(root.path)
        }
        guard !listing.videos.isEmpty else { throw DatasetError.empty(root.path) }
        listing.videos.sort { $0.relativePath < $1.relativePath }
        try Self.requireDistinctFiles(listing.videos)
        return listing
    }

    private func hasFolder(_ name: String) -> Bool {
        Self.isFolder(root.appendingPathComponent(name))
    }

    private func listFolders() throws -> Listing {
        var listing = Listing(videos: [], ignoredFiles: 0, source: "real/ and fake/ folders")
        for (folder, label) in [("real", VideoLabel.real), ("fake", VideoLabel.fake)] where hasFolder(folder) {
            let found = Self.videoFiles(under: root.appendingPathComponent(folder, isDirectory: true), root: root)
            listing.add(found)
            for url in found.videos {
                listing.videos.append(try Self.describe(url: url, relativePath: Self.relativePath(of: url, under: root),
                                                        label: label, split: nil))
            }
        }
        return listing
    }

    /// Two listed paths that are one file (through links) would leak between splits: refused, naming both.
    static func requireDistinctFiles(_ videos: [DatasetVideo]) throws {
        var byFile: [String: String] = [:]
        for video in videos {
            let file = DatasetPaths.resolved(video.url.path) ?? video.url.standardizedFileURL.path
            if let first = byFile.updateValue(video.relativePath, forKey: file) {
                throw DatasetError.sameFileTwice(first: first, second: video.relativePath, file: file)
            }
        }
    }

    static func isFolder(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Sub-folder names of `url`, sorted, hidden ones left out.
    static func subfolders(of url: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.filter { !$0.hasPrefix(".") && isFolder(url.appendingPathComponent($0)) }.sorted()
    }

    /// Video files below `folder` (recursive, sorted by path), plus what was ignored or skipped and why.
    static func videoFiles(under folder: URL, root: URL) -> DatasetWalk {
        DatasetWalk(folder: folder, root: root)
    }

    static func relativePath(of url: URL, under root: URL) -> String {
        let rootComponents = root.standardizedFileURL.pathComponents
        let components = url.standardizedFileURL.pathComponents
        return components.dropFirst(rootComponents.count).joined(separator: "/")
    }

    static func describe(url: URL, relativePath: String, label: VideoLabel, split: String?,
                         group: String? = nil) throws -> DatasetVideo {
        // A linked file's own size and time never change with its target: record the target's.
        let attributes = try FileManager.default.attributesOfItem(atPath: DatasetPaths.resolved(url.path) ?? url.path)
        let bytes = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return DatasetVideo(relativePath: relativePath, url: url, label: label, split: split,
                            bytes: bytes, modificationTime: modified, group: group)
    }

    /// One warning line for the names in one folder that did not parse.
    static func unparsedWarning(folder: String, names: [String], convention: String) -> String? {
        guard let first = names.first else { return nil }
        return "\(names.count) file name(s) under \(folder)/ do not follow \(convention) (first: \(first)): each is its own group"
    }
}

extension DatasetLayout.Listing {
    /// Takes in one walk's counts, skipped files and warnings.
    mutating func add(_ walk: DatasetWalk) {
        ignoredFiles += walk.ignored
        skipped += walk.skipped
        warnings += walk.warnings
    }
}
