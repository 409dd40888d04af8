import Foundation

/// The few POSIX calls crash safety rests on: positioned reads/writes, fsync of files and folders.
enum DurableFileOperations {
    /// Writes all of `bytes` at `offset`, retrying short writes.
    static func write(_ bytes: [UInt8], to descriptor: Int32, at offset: Int64, file: String) throws {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                pwrite(descriptor, buffer.baseAddress! + written, buffer.count - written, off_t(offset) + off_t(written))
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw CacheIOError(file: file, operation: "writing", code: errno)
            }
            written += result
        }
    }

    /// Reads exactly `count` bytes at `offset`, or nil if the file ends first.
    static func read(_ count: Int, from descriptor: Int32, at offset: Int64, file: String) throws -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let result = bytes.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress! + filled, count - filled, off_t(offset) + off_t(filled))
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw CacheIOError(file: file, operation: "reading", code: errno)
            }
            if result == 0 { return nil }
            filled += result
        }
        return bytes
    }

    static func sync(_ descriptor: Int32, file: String) throws {
        guard fsync(descriptor) == 0 else { throw CacheIOError(file: file, operation: "syncing", code: errno) }
    }

    /// Flushes a whole file to disk by path (used after HDF5 has closed it).
    static func syncFile(at url: URL) throws {
        let descriptor = open(url.path, O_RDONLY)
        guard descriptor >= 0 else { throw CacheIOError(file: url.path, operation: "opening", code: errno) }
        defer { close(descriptor) }
        try sync(descriptor, file: url.path)
    }

    /// Makes a create, rename or unlink inside `directory` durable.
    static func syncDirectory(_ directory: URL) throws {
        let descriptor = open(directory.path, O_RDONLY | O_DIRECTORY)
        guard descriptor >= 0 else { throw CacheIOError(file: directory.path, operation: "opening", code: errno) }
        defer { close(descriptor) }
        try sync(descriptor, file: directory.path)
    }

    /// Atomically replaces `destination` with `source` (same folder), durably.
    static func replace(_ destination: URL, with source: URL) throws {
        guard rename(source.path, destination.path) == 0 else {
            throw CacheIOError(file: destination.path, operation: "renaming \(source.lastPathComponent) over", code: errno)
        }
        try syncDirectory(destination.deletingLastPathComponent())
    }
}
