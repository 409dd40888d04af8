import Foundation

/// HDF5 opens its files without O_CLOEXEC, and `HDF5File` can only set the flag once HDF5's open returns: a
/// child process spawned by another thread in between inherits the descriptor and, with it, HDF5's lock on the
/// file for as long as the child runs ("unable to lock the file" when the file is reopened). HDF5File opens and
/// creates files inside this fence, shared; code that spawns processes while files may be opening (the tests,
/// which run tools beside HDF5 tests) spawns inside it, exclusively, with `Process.runFenced()`.
public enum DescriptorFence {
    nonisolated(unsafe) private static let lock: UnsafeMutablePointer<pthread_rwlock_t> = {
        let lock = UnsafeMutablePointer<pthread_rwlock_t>.allocate(capacity: 1)
        pthread_rwlock_init(lock, nil)
        return lock
    }()

    /// Held while a descriptor without close-on-exec may exist; many at once.
    static func enterOpening() { pthread_rwlock_rdlock(lock) }
    static func leaveOpening() { pthread_rwlock_unlock(lock) }

    /// body (a spawn) while no descriptor lacks close-on-exec.
    public static func spawning<T>(_ body: () throws -> T) rethrows -> T {
        pthread_rwlock_wrlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }
}

extension Process {
    /// `run()` inside `DescriptorFence`: the child inherits no HDF5 descriptor that is still being opened.
    public func runFenced() throws {
        try DescriptorFence.spawning { try run() }
    }
}
