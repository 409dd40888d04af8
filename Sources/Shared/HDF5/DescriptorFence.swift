import Foundation

/// Foundation's `Process` closes, in the child, every descriptor it finds open just before it spawns; one that
/// another thread opens after that look is inherited. HDF5 opens files without O_CLOEXEC (the file it is asked
/// to open, and the source files of a virtual dataset, which it opens itself during a read and keeps open), so
/// such a child holds HDF5's lock on the file for as long as it runs ("unable to lock the file" when the file is
/// reopened). HDF5File opens and creates files, and datasets read, inside this fence, shared; code that spawns
/// processes while files may be opening (the tests, which run tools beside HDF5 tests) spawns inside it,
/// exclusively, with `Process.runFenced()`.
public enum DescriptorFence {
    nonisolated(unsafe) private static let lock: UnsafeMutablePointer<pthread_rwlock_t> = {
        let lock = UnsafeMutablePointer<pthread_rwlock_t>.allocate(capacity: 1)
        pthread_rwlock_init(lock, nil)
        return lock
    }()

    /// body (an HDF5 call that may open a descriptor) inside the fence, shared: many at once.
    static func opening<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }

    /// body (a spawn) while HDF5 opens no descriptor.
    public static func spawning<T>(_ body: () throws -> T) rethrows -> T {
        pthread_rwlock_wrlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }
}

extension Process {
    /// `run()` inside `DescriptorFence`: the child inherits no descriptor HDF5 is opening meanwhile.
    public func runFenced() throws {
        try DescriptorFence.spawning { try run() }
    }
}
