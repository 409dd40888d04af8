import Foundation
import Shared

/// An existing cache or journal was built with other settings; mixing them would corrupt results.
public struct CacheMetadataMismatchError: DiagnosedError {
    public let file: String
    public let differences: [String]

    public var description: String {
        "\(file) was built with different settings (\(differences.joined(separator: "; "))). "
            + "Delete \(file) to rebuild it with the requested settings, or run with the options it was built with."
    }
}

/// A file that should be a cache (or its journal) is not readable as one.
public struct CacheFormatError: DiagnosedError {
    public let file: String
    public let problem: String
    /// What the file should be: "embedding cache" or "face-track cache".
    public var cacheName = "embedding cache"

    public var description: String {
        "\(file) is not a valid \(cacheName): \(problem). Delete it and run extract again to rebuild it."
    }

    /// Runs `body`, naming `cacheName` in any format error it throws: the checks are shared by every cache
    /// kind, the message should say which one the file is.
    static func naming<Result>(_ cacheName: String, _ body: () throws -> Result) rethrows -> Result {
        do {
            return try body()
        } catch var error as CacheFormatError {
            error.cacheName = cacheName
            throw error
        }
    }
}

/// A video result that does not fit the cache it is written to (a bug in the caller, not in the data).
public struct CacheRecordError: DiagnosedError {
    public let file: String
    public let problem: String

    public var description: String {
        "cannot add to \(file): \(problem). This is a bug in the extraction pipeline; please report it."
    }
}

/// A system call on a cache file failed (disk full, permissions, ...).
public struct CacheIOError: DiagnosedError {
    public let file: String
    public let operation: String
    public let code: Int32

    public var description: String {
        "\(operation) \(file) failed: \(String(cString: strerror(code))) (errno \(code)). "
            + "Check free disk space and permissions of the cache folder."
    }
}

/// `finish` was asked for videos that were neither extracted nor recorded as failures.
public struct CacheIncompleteError: DiagnosedError {
    public let file: String
    public let missing: [String]

    public var description: String {
        let examples = missing.prefix(5).joined(separator: ", ")
        return "cannot finish \(file): \(missing.count) wanted video(s) were never extracted (e.g. \(examples)). "
            + "Run extract again; it resumes where it stopped."
    }
}

/// Another run (or session) is already building this cache.
public struct CacheBusyError: DiagnosedError {
    public let file: String

    public var description: String {
        "\(file) is locked by another extract run writing the same cache. Wait for it to finish or stop it, "
            + "then run again."
    }
}
