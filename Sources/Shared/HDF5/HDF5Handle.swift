import CHDF5

/// An open HDF5 identifier (file, group, dataset) that closes itself when released.
/// Other objects of a file keep it open until they close too (HDF5's default "weak" file close).
public final class HDF5Handle {
    let id: hid_t
    /// The file this object lives in, for error messages.
    public let filePath: String
    /// The object's path inside the file ("/" for the file itself).
    public let objectPath: String
    private let closeFunction: (hid_t) -> herr_t
    public private(set) var isOpen = true

    init(id: hid_t, filePath: String, objectPath: String, close: @escaping (hid_t) -> herr_t) {
        self.id = id
        self.filePath = filePath
        self.objectPath = objectPath
        self.closeFunction = close
    }

    /// Closes now, reporting failure; later closes (and deinit) do nothing.
    public func close() throws(HDF5Error) {
        guard isOpen else { return }
        isOpen = false
        try hdf5Call("closing \(objectPath)", path: filePath) { closeFunction(id) }
    }

    deinit {
        if isOpen {
            H5Eset_auto2(chdf5_e_default(), nil, nil)
            _ = closeFunction(id)
        }
    }

    /// A child path inside this object, for naming things in errors.
    func childPath(_ name: String) -> String {
        objectPath == "/" ? "/" + name : objectPath + "/" + name
    }
}

/// Something with an open handle: a file (its root group), a group or a dataset.
public protocol HDF5Object {
    var handle: HDF5Handle { get }
}
