import Foundation

/// Where the package lives, for tests that read models/, fixtures and scripts or run the built binaries.
enum PackagePaths {
    /// The first ancestor of this file holding Package.swift.
    static let root: URL = {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
            directory.deleteLastPathComponent()
        }
        return directory
    }()
}
