import CHDF5

/// What a dataset stores, as opposed to what its extent claims: readers of untrusted files compare the two
/// before allocating, since a sparse chunked dataset can claim 2^40 elements in a file of a few kilobytes.
public struct HDF5ElementType: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable { case integer, float, variableLengthString, other }
    public let kind: Kind
    /// Bytes per element as stored (for variable-length strings: the size of one reference).
    public let bytes: Int
    public let isSigned: Bool

    public var description: String {
        switch kind {
        case .integer: "\(isSigned ? "int" : "uint")\(bytes * 8)"
        case .float: "float\(bytes * 8)"
        case .variableLengthString: "variable-length string"
        case .other: "an unsupported type"
        }
    }
}

extension HDF5Dataset {
    /// The stored element type.
    public func elementType() throws(HDF5Error) -> HDF5ElementType {
        let type = try hdf5Call("getting the element type of \(handle.objectPath)", path: handle.filePath) {
            H5Dget_type(handle.id)
        }
        defer { H5Tclose(type) }
        let bytes = H5Tget_size(type)
        switch H5Tget_class(type) {
        case H5T_INTEGER:
            return HDF5ElementType(kind: .integer, bytes: bytes, isSigned: H5Tget_sign(type) == H5T_SGN_2)
        case H5T_FLOAT:
            return HDF5ElementType(kind: .float, bytes: bytes, isSigned: true)
        case H5T_STRING where H5Tis_variable_str(type) > 0:
            return HDF5ElementType(kind: .variableLengthString, bytes: bytes, isSigned: false)
        default:
            return HDF5ElementType(kind: .other, bytes: bytes, isSigned: false)
        }
    }

    /// Whether every element of the extent is backed by storage in the file: all chunks of a chunked
    /// dataset allocated, or the whole extent for contiguous and compact ones. Fill values never written
    /// to the file do not count, so a huge extent over a few kilobytes of file is refused by callers.
    public func isFullyStored() throws(HDF5Error) -> Bool {
        let shape = try shape()
        guard let elements = HDF5Extent.elementCount(shape) else { return false }
        if elements == 0 { return true }
        if let chunk = try chunkShape() {
            guard chunk.count == shape.count, chunk.allSatisfy({ $0 > 0 }) else { return false }
            let perDimension = zip(shape, chunk).map { ($0 + $1 - 1) / $1 }
            guard let wanted = HDF5Extent.elementCount(perDimension) else { return false }
            return try allocatedChunks() == wanted
        }
        let type = try elementType()
        guard let bytes = HDF5Extent.byteCount(shape, elementBytes: type.bytes) else { return false }
        return Int(clamping: H5Dget_storage_size(handle.id)) >= bytes
    }

    private func allocatedChunks() throws(HDF5Error) -> Int {
        let space = try hdf5Call("getting the dataspace of \(handle.objectPath)", path: handle.filePath) {
            H5Dget_space(handle.id)
        }
        defer { H5Sclose(space) }
        var count: hsize_t = 0
        try hdf5Call("counting the stored chunks of \(handle.objectPath)", path: handle.filePath) {
            H5Dget_num_chunks(handle.id, space, &count)
        }
        return Int(clamping: count)
    }
}
