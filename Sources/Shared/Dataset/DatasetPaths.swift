import Foundation

/// Path rules shared by every layout: lexical normalisation of listed paths, and where links really lead.
enum DatasetPaths {
    /// `a/./b`, `a//b` -> `a/b`; `a/../b` -> `b`; nil for an empty path or one whose `..` climbs out of the root.
    static func normalized(_ path: String) -> String? {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) where part != "." {
            if part == ".." {
                guard parts.popLast() != nil else { return nil }
            } else {
                parts.append(part)
            }
        }
        return parts.isEmpty ? nil : parts.joined(separator: "/")
    }

    /// The absolute path with every symbolic link resolved, or nil when it does not exist (or a link is broken).
    static func resolved(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    /// Whether resolved path `path` is `root` itself or lies below it.
    static func isInside(_ path: String, root: String) -> Bool {
        path == root || path.hasPrefix(root.hasSuffix("/") ? root : root + "/")
    }
}
