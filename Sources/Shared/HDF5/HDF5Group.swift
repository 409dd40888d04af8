import CHDF5

/// A group inside an HDF5 file.
public final class HDF5Group: HDF5Container {
    public let handle: HDF5Handle

    init(handle: HDF5Handle) {
        self.handle = handle
    }
}

/// Something that holds named groups and datasets: a file (its root group) or a group.
public protocol HDF5Container: HDF5Object {}

extension HDF5Container {
    /// Whether a direct child link with this name exists.
    public func contains(_ name: String) throws(HDF5Error) -> Bool {
        let exists = try hdf5Call("looking for \(handle.childPath(name))", path: handle.filePath) {
            H5Lexists(handle.id, name, chdf5_p_default())
        }
        return exists > 0
    }

    public func createGroup(_ name: String) throws(HDF5Error) -> HDF5Group {
        let path = handle.childPath(name)
        let id = try hdf5Call("creating group \(path)", path: handle.filePath) {
            H5Gcreate2(handle.id, name, chdf5_p_default(), chdf5_p_default(), chdf5_p_default())
        }
        return HDF5Group(handle: HDF5Handle(id: id, filePath: handle.filePath, objectPath: path, close: H5Gclose))
    }

    public func group(_ name: String) throws(HDF5Error) -> HDF5Group {
        let path = handle.childPath(name)
        let id = try hdf5Call("opening group \(path)", path: handle.filePath) {
            H5Gopen2(handle.id, name, chdf5_p_default())
        }
        return HDF5Group(handle: HDF5Handle(id: id, filePath: handle.filePath, objectPath: path, close: H5Gclose))
    }

    /// Creates a numeric dataset. `chunk` sets the chunk shape; an unlimited first dimension
    /// (so rows can be appended with `HDF5Dataset.resize`) needs chunking and gets a default if none is given.
    @discardableResult
    public func createDataset<Element: HDF5Scalar>(
        _ name: String, of type: Element.Type, shape: [Int], chunk: [Int]? = nil,
        unlimitedFirstDimension: Bool = false
    ) throws(HDF5Error) -> HDF5Dataset {
        try makeDataset(name, storedType: Element.hdf5MemoryType, elementBytes: MemoryLayout<Element>.size,
                        shape: shape, chunk: chunk, unlimitedFirstDimension: unlimitedFirstDimension)
    }

    /// Creates a dataset of variable-length UTF-8 strings.
    @discardableResult
    public func createStringDataset(
        _ name: String, shape: [Int], chunk: [Int]? = nil, unlimitedFirstDimension: Bool = false
    ) throws(HDF5Error) -> HDF5Dataset {
        let stringType = try makeVariableLengthStringType(path: handle.filePath)
        defer { H5Tclose(stringType) }
        return try makeDataset(name, storedType: stringType, elementBytes: MemoryLayout<UnsafePointer<CChar>>.size,
                               shape: shape, chunk: chunk, unlimitedFirstDimension: unlimitedFirstDimension)
    }

    /// Unlinks a child (group or dataset); its space is not reclaimed until the file is repacked.
    public func removeChild(_ name: String) throws(HDF5Error) {
        try hdf5Call("removing \(handle.childPath(name))", path: handle.filePath) {
            H5Ldelete(handle.id, name, chdf5_p_default())
        }
    }

    public func dataset(_ name: String) throws(HDF5Error) -> HDF5Dataset {
        let path = handle.childPath(name)
        let id = try hdf5Call("opening dataset \(path)", path: handle.filePath) {
            H5Dopen2(handle.id, name, chdf5_p_default())
        }
        return HDF5Dataset(handle: HDF5Handle(id: id, filePath: handle.filePath, objectPath: path, close: H5Dclose))
    }

    private func makeDataset(
        _ name: String, storedType: hid_t, elementBytes: Int, shape: [Int], chunk: [Int]?,
        unlimitedFirstDimension: Bool
    ) throws(HDF5Error) -> HDF5Dataset {
        let path = handle.childPath(name)
        let filePath = handle.filePath
        // An empty shape makes a scalar (rank 0) dataset, contiguous only.
        guard shape.allSatisfy({ $0 >= 0 }), !shape.isEmpty || (chunk == nil && !unlimitedFirstDimension) else {
            throw HDF5Error(path: filePath, operation: "creating dataset \(path)",
                            message: "shape \(shape) must have no negative sizes, and a scalar cannot be chunked")
        }
        var chunkShape = chunk
        if chunkShape == nil && unlimitedFirstDimension {
            // About 64 KiB per chunk: whole trailing dimensions, as many leading rows as fit.
            let rowBytes = max(1, shape.dropFirst().reduce(elementBytes, *))
            chunkShape = [max(1, 65_536 / rowBytes)] + shape.dropFirst().map { max(1, $0) }
        }
        if let chunkShape, chunkShape.count != shape.count || chunkShape.contains(where: { $0 < 1 }) {
            throw HDF5Error(path: filePath, operation: "creating dataset \(path)",
                            message: "chunk shape \(chunkShape) must have one positive size per dimension of \(shape)")
        }
        var dimensions = shape.map { hsize_t($0) }
        var maximum = dimensions
        if unlimitedFirstDimension { maximum[0] = chdf5_unlimited() }
        let space = try hdf5Call("making the dataspace of \(path)", path: filePath) {
            shape.isEmpty ? H5Screate(H5S_SCALAR) : H5Screate_simple(Int32(shape.count), &dimensions, &maximum)
        }
        defer { H5Sclose(space) }
        let properties = try hdf5Call("making creation properties of \(path)", path: filePath) {
            H5Pcreate(chdf5_p_dataset_create())
        }
        defer { H5Pclose(properties) }
        if var chunkDimensions = chunkShape?.map({ hsize_t($0) }) {
            try hdf5Call("setting chunk shape \(chunkShape!) on \(path)", path: filePath) {
                H5Pset_chunk(properties, Int32(chunkDimensions.count), &chunkDimensions)
            }
        }
        let id = try hdf5Call("creating dataset \(path) with shape \(shape)", path: filePath) {
            H5Dcreate2(handle.id, name, storedType, space, chdf5_p_default(), properties, chdf5_p_default())
        }
        return HDF5Dataset(handle: HDF5Handle(id: id, filePath: filePath, objectPath: path, close: H5Dclose))
    }
}
