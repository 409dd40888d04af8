import CHDF5
import Foundation

/// An open HDF5 file. Closes on deinit, or earlier with `close()` (which reports errors).
public final class HDF5File: HDF5Container {
    public enum Access: Sendable { case readOnly, readWrite }

    public let handle: HDF5Handle
    public let url: URL

    private init(id: hid_t, url: URL) {
        self.url = url
        self.handle = HDF5Handle(id: id, filePath: url.path, objectPath: "/", close: H5Fclose)
        Self.closeOnExec(id)
    }

    /// HDF5 opens files without O_CLOEXEC: a process that another thread starts meanwhile would inherit the
    /// descriptor and, with it, HDF5's lock on the file, so reopening the file here fails ("unable to lock the
    /// file") for as long as that child runs. Callers hold `DescriptorFence` from HDF5's open to here (create, open).
    private static func closeOnExec(_ id: hid_t) {
        guard let fd = descriptor(id) else { return }
        _ = fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC)
    }

    /// The file's descriptor (the default sec2 driver's handle is an int).
    static func descriptor(_ id: hid_t) -> Int32? {
        var handle: UnsafeMutableRawPointer?
        guard H5Fget_vfd_handle(id, chdf5_p_default(), &handle) >= 0, let handle else { return nil }
        return handle.load(as: Int32.self)
    }

    /// Creates a new file, replacing any existing one unless `overwrite` is false.
    public static func create(at url: URL, overwrite: Bool = true) throws(HDF5Error) -> HDF5File {
        let flags = overwrite ? chdf5_acc_trunc() : chdf5_acc_excl()
        // The fence spans the open and the close-on-exec that init sets.
        return try DescriptorFence.opening { () throws(HDF5Error) in
            HDF5File(id: try hdf5Call("creating the file", path: url.path) {
                H5Fcreate(url.path, flags, chdf5_p_default(), chdf5_p_default())
            }, url: url)
        }
    }

    /// Opens an existing file.
    public static func open(_ url: URL, access: Access = .readOnly) throws(HDF5Error) -> HDF5File {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw HDF5Error(path: url.path, operation: "opening the file", message: "the file does not exist")
        }
        let flags = access == .readOnly ? chdf5_acc_rdonly() : chdf5_acc_rdwr()
        return try DescriptorFence.opening { () throws(HDF5Error) in
            HDF5File(id: try hdf5Call("opening the file", path: url.path) { H5Fopen(url.path, flags, chdf5_p_default()) },
                     url: url)
        }
    }

    /// Writes HDF5's buffers for this file to the operating system (not to disk: fsync the file for that).
    public func flush() throws(HDF5Error) {
        try hdf5Call("flushing", path: url.path) { H5Fflush(handle.id, H5F_SCOPE_GLOBAL) }
    }

    /// Closes the file; objects still open from it keep it open until they are released.
    public func close() throws(HDF5Error) {
        try handle.close()
    }
}
