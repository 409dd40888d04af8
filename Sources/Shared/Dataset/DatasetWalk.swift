import Foundation

/// Finds the video files below a folder of a dataset with POSIX calls, so nothing is dropped without a word:
/// links to regular files are accepted; links to folders are followed only while they stay inside the
/// dataset root (once each, so loops end); names that are not UTF-8, broken links and special files are
/// reported as skipped. Hidden entries (".name") are passed over, as before.
public struct DatasetWalk {
    public private(set) var videos: [URL] = []
    /// Regular files that are not videos (by extension).
    public private(set) var ignored = 0
    public private(set) var skipped: [SkippedFile] = []
    public private(set) var warnings: [String] = []
    private let root: URL
    private let realRoot: String
    private var walkedFolders: Set<String> = []

    /// Walks `folder` (below `root`), videos sorted by path.
    public init(folder: URL, root: URL) {
        self.root = root
        realRoot = DatasetPaths.resolved(root.path) ?? root.standardizedFileURL.path
        walk(folder)
        videos.sort { $0.path < $1.path }
    }

    private mutating func walk(_ folder: URL) {
        let relative = DatasetLayout.relativePath(of: folder, under: root)
        guard let real = DatasetPaths.resolved(folder.path) else { return skip(relative + "/", "folder cannot be resolved") }
        guard DatasetPaths.isInside(real, root: realRoot) else {
            warnings.append("\(relative)/ is a symbolic link to \(real), outside the dataset folder \(realRoot): not followed; "
                            + "move or copy those videos into the dataset folder")
            return skip(relative + "/", "symbolic link to a folder outside the dataset root")
        }
        guard walkedFolders.insert(real).inserted else { return skip(relative + "/", "a link to a folder already listed") }
        for name in Self.entries(of: folder) {
            guard let text = String(bytes: name, encoding: .utf8) else {
                let shown = String(decoding: name, as: UTF8.self)
                skip(relative.isEmpty ? shown : relative + "/" + shown, "file name is not valid UTF-8: rename it")
                continue
            }
            if text.hasPrefix(".") { continue }
            visit(folder.appendingPathComponent(text), name: text)
        }
    }

    private mutating func visit(_ url: URL, name: String) {
        var info = stat()
        guard lstat(url.path, &info) == 0 else { return skip(relativePath(url), "cannot be read") }
        var kind = info.st_mode & S_IFMT
        if kind == S_IFLNK {
            guard stat(url.path, &info) == 0 else { return skip(relativePath(url), "broken symbolic link") }
            kind = info.st_mode & S_IFMT
        }
        switch kind {
        case S_IFDIR: walk(url)
        case S_IFREG: if VideoFileTypes.isVideo(name) { videos.append(url) } else { ignored += 1 }
        default: if VideoFileTypes.isVideo(name) { skip(relativePath(url), "not a regular file") } else { ignored += 1 }
        }
    }

    private mutating func skip(_ path: String, _ reason: String) {
        skipped.append(SkippedFile(path: path, reason: reason))
    }

    private func relativePath(_ url: URL) -> String {
        DatasetLayout.relativePath(of: url, under: root)
    }

    /// Raw names in `folder` (bytes, since a name need not be UTF-8), sorted, without "." and "..".
    private static func entries(of folder: URL) -> [[UInt8]] {
        guard let directory = opendir(folder.path) else { return [] }
        defer { closedir(directory) }
        var names: [[UInt8]] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if name != [46] && name != [46, 46] { names.append(name) }
        }
        return names.sorted { $0.lexicographicallyPrecedes($1) }
    }
}
