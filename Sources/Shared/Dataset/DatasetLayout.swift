import Foundation

/// Finds a dataset's videos and labels on disk.
///
/// Supported layouts of `<data-dir>/<name>/`:
/// - `labels.csv` with a header `path,label[,split]`: paths relative to the dataset folder, label 0/1 or
///   real/fake, split train/val/test. When labels.csv exists it wins over folders: it is the explicit one.
/// - `real/` and `fake/` sub-folders, searched recursively for video files.
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
        public var source: String
    }

    public func list() throws -> Listing {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DatasetError.missingFolder(root.path)
        }
        let labelsFile = root.appendingPathComponent("labels.csv")
        var listing: Listing
        if FileManager.default.fileExists(atPath: labelsFile.path) {
            listing = Listing(videos: try LabelsCSV.read(labelsFile, datasetRoot: root), ignoredFiles: 0, source: "labels.csv")
        } else if hasFolder("real") || hasFolder("fake") {
            listing = try listFolders()
        } else {
            throw DatasetError.noLayout(root.path)
        }
        guard !listing.videos.isEmpty else { throw DatasetError.empty(root.path) }
        listing.videos.sort { $0.relativePath < $1.relativePath }
        return listing
    }

    private func hasFolder(_ name: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: root.appendingPathComponent(name).path, isDirectory: &isDirectory)
            && isDirectory.boolValue
    }

    private func listFolders() throws -> Listing {
        var videos: [DatasetVideo] = []
        var ignored = 0
        for (folder, label) in [("real", VideoLabel.real), ("fake", VideoLabel.fake)] where hasFolder(folder) {
            let base = root.appendingPathComponent(folder, isDirectory: true)
            guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey],
                                                              options: [.skipsHiddenFiles]) else { continue }
            for case let url as URL in walker {
                guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
                guard VideoFileTypes.isVideo(url.lastPathComponent) else { ignored += 1; continue }
                let relative = Self.relativePath(of: url, under: root)
                videos.append(try Self.describe(url: url, relativePath: relative, label: label, split: nil))
            }
        }
        return Listing(videos: videos, ignoredFiles: ignored, source: "real/ and fake/ folders")
    }

    static func relativePath(of url: URL, under root: URL) -> String {
        let rootComponents = root.standardizedFileURL.pathComponents
        let components = url.standardizedFileURL.pathComponents
        return components.dropFirst(rootComponents.count).joined(separator: "/")
    }

    static func describe(url: URL, relativePath: String, label: VideoLabel, split: String?) throws -> DatasetVideo {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        let bytes = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return DatasetVideo(relativePath: relativePath, url: url, label: label, split: split,
                            bytes: bytes, modificationTime: modified)
    }
}
