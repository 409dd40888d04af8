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
    /// "train", "val" or "test" when the dataset fixes the split (labels.csv's split column), else nil.
    public var split: String?
    public var bytes: Int64
    /// Modification time in seconds since 1970, to notice re-encoded or replaced files.
    public var modificationTime: Double

    public init(relativePath: String, url: URL, label: VideoLabel, split: String? = nil,
                bytes: Int64, modificationTime: Double) {
        self.relativePath = relativePath
        self.url = url
        self.label = label
        self.split = split
        self.bytes = bytes
        self.modificationTime = modificationTime
    }
}
