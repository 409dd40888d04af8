import CHDF5

/// A failed HDF5 call: which file, what we were doing, and HDF5's own explanation.
public struct HDF5Error: DiagnosedError {
    public let path: String
    public let operation: String
    public let message: String

    public var description: String {
        "HDF5 error in \(path): \(operation) failed: \(message). "
            + "Check that the file exists, is a complete HDF5 file, and has the layout this tool expects "
            + "(delete it to have it rebuilt if it is a cache)."
    }

    public init(path: String, operation: String, message: String) {
        self.path = path
        self.operation = operation
        self.message = message
    }
}

/// Runs one HDF5 call with automatic stderr printing off, turning a negative status into an `HDF5Error`.
/// Automatic printing is per thread in thread-safe HDF5 builds, so it is switched off before every call.
@discardableResult
func hdf5Call<Status: SignedInteger>(_ operation: @autoclosure () -> String, path: String,
                                     _ call: () -> Status) throws(HDF5Error) -> Status {
    H5Eset_auto2(chdf5_e_default(), nil, nil)
    let status = call()
    if status < 0 {
        throw HDF5Error(path: path, operation: operation(), message: takeHDF5ErrorStack())
    }
    return status
}

/// Collects and clears the calling thread's HDF5 error stack, innermost cause first.
func takeHDF5ErrorStack() -> String {
    var lines: [String] = []
    withUnsafeMutablePointer(to: &lines) { linesPointer in
        _ = H5Ewalk2(chdf5_e_default(), H5E_WALK_UPWARD, { _, entry, clientData in
            guard let entry, let clientData else { return 0 }
            let lines = clientData.assumingMemoryBound(to: [String].self)
            let function = entry.pointee.func_name.map { String(cString: $0) } ?? "?"
            let text = entry.pointee.desc.map { String(cString: $0) } ?? ""
            lines.pointee.append("\(function): \(text)")
            return 0
        }, linesPointer)
    }
    H5Eclear2(chdf5_e_default())
    return lines.isEmpty ? "no details from HDF5" : lines.joined(separator: "; ")
}
