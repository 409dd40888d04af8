import Foundation

/// Label convention everywhere in this project: 1 = fake, 0 = real.
public enum VideoLabel: Int8, Sendable, CaseIterable {
    case real = 0
    case fake = 1

    /// Accepts 0/1 and real/fake (any case), as written in labels.csv.
    public init?(text: String) {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "0", "real": self = .real
        case "1", "fake": self = .fake
        default: return nil
        }
    }
}

/// One video of a dataset, as found on disk.
public struct DatasetVideo: Sendable, Equatable {
    /// Path relative to the dataset root, with "/" separators: the stable key in caches and results.
    public var relativePath: String
    public var url: URL
    public var label: VideoLabel
    /// "train", "val" or "test" when the dataset fixes the split (labels.csv's split column, Celeb-DF's
    /// official test list), else nil.
    public var split: String?
    public var bytes: Int64
    /// Modification time in seconds since 1970, to notice re-encoded or replaced files.
    public var modificationTime: Double
    /// Videos sharing a group (an identity, or identities linked by a face swap) must land in one split,
    /// else a model can pass validation by recognising faces. nil: the video is its own group.
    public var group: String?

    public init(relativePath: String, url: URL, label: VideoLabel, split: String? = nil,
                bytes: Int64, modificationTime: Double, group: String? = nil) {
        self.relativePath = relativePath
        self.url = url
        self.label = label
        self.split = split
        self.bytes = bytes
        self.modificationTime = modificationTime
        self.group = group
    }
}
