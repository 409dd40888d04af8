/// A file a listing passed over that could have been a video, and why; none is dropped without a word.
public struct SkippedFile: Sendable, Equatable {
    /// Relative to the dataset root (bytes that are not UTF-8 shown as U+FFFD).
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// "skipped 2 files: real/a.mp4 (broken symbolic link); ..." or nil when nothing was skipped.
    public static func summary(_ skipped: [SkippedFile]) -> String? {
        guard !skipped.isEmpty else { return nil }
        let items = skipped.map { "\($0.path) (\($0.reason))" }.joined(separator: "; ")
        return "skipped \(skipped.count) file\(skipped.count == 1 ? "" : "s"): \(items)"
    }
}
