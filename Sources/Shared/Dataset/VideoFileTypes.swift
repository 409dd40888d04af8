/// File extensions taken for videos when a folder is searched; other files are ignored and counted.
public enum VideoFileTypes {
    public static let extensions: Set<String> = [
        "mp4", "avi", "mov", "mkv", "webm", "m4v", "mpg", "mpeg", "flv", "wmv", "3gp", "ts", "mts",
    ]

    public static func isVideo(_ fileName: String) -> Bool {
        guard let dot = fileName.lastIndex(of: ".") else { return false }
        return extensions.contains(fileName[fileName.index(after: dot)...].lowercased())
    }
}
