import CHDF5

/// An n-dimensional dataset, read and written whole or as a run of rows (slices along the first dimension).
public final class HDF5Dataset: HDF5Object {
    public let handle: HDF5Handle

    init(handle: HDF5Handle) {
        self.handle = handle
    }

    /// The current extent, e.g. [videos, frames, dim].
    public func shape() throws(HDF5Error) -> [Int] {
        let space = try hdf5Call("getting the dataspace of \(handle.objectPath)", path: handle.filePath) {
            H5Dget_space(handle.id)
        }
        defer { H5Sclose(space) }
        return try extent(of: space)
    }

    /// The chunk shape, or nil for contiguous storage.
    public func chunkShape() throws(HDF5Error) -> [Int]? {
        let properties = try call("getting creation properties") { H5Dget_create_plist(handle.id) }
        defer { H5Pclose(properties) }
        guard H5Pget_layout(properties) == H5D_CHUNKED else { return nil }
        var dimensions = [hsize_t](repeating: 0, count: 32)
        let rank = try call("getting the chunk shape") { H5Pget_chunk(properties, 32, &dimensions) }
        return dimensions.prefix(Int(rank)).map { Int(clamping: $0) }
    }

    /// Sets the number of rows (only for datasets created with an unlimited first dimension).
    public func resize(rows: Int) throws(HDF5Error) {
        _ = try rowCount()
        var dimensions = try shape().map { hsize_t($0) }
        dimensions[0] = hsize_t(rows)
        try call("resizing to \(rows) rows") { H5Dset_extent(handle.id, &dimensions) }
    }

    // MARK: numeric

    /// The length of the first dimension; a scalar (rank 0) dataset has no rows and is refused.
    public func rowCount() throws(HDF5Error) -> Int {
        guard let rows = try shape().first else {
            throw HDF5Error(path: handle.filePath, operation: "reading \(handle.objectPath)",
                            message: "it is a scalar (rank 0), not an array of rows")
        }
        return rows
    }

    /// Writes the whole dataset; `values` is in row-major order and must fill the shape.
    public func write<Element: HDF5Scalar>(_ values: [Element]) throws(HDF5Error) {
        try writeRows(values, startingAt: 0, count: try rowCount())
    }

    /// Reads the whole dataset in row-major order.
    public func read<Element: HDF5Scalar>(as type: Element.Type = Element.self) throws(HDF5Error) -> [Element] {
        try readRows(startingAt: 0, count: try rowCount(), as: type)
    }

    /// Writes `count` rows beginning at `firstRow`; `values` holds count x (product of the other dims) elements.
    public func writeRows<Element: HDF5Scalar>(_ values: [Element], startingAt firstRow: Int, count: Int) throws(HDF5Error) {
        try requireTypeClass(Element.hdf5TypeClass, for: "\(Element.self)")
        let selection = try selectRows(firstRow, count: count, elements: values.count)
        defer { selection.close() }
        guard count > 0 else { return }
        _ = try values.withUnsafeBufferPointer { (buffer) throws(HDF5Error) in
            try call("writing rows \(firstRow)..<\(firstRow + count)") {
                H5Dwrite(handle.id, Element.hdf5MemoryType, selection.memory, selection.file, chdf5_p_default(),
                         buffer.baseAddress)
            }
        }
    }

    /// Reads `count` rows beginning at `firstRow`, in row-major order.
    public func readRows<Element: HDF5Scalar>(startingAt firstRow: Int, count: Int,
                                              as type: Element.Type = Element.self) throws(HDF5Error) -> [Element] {
        try requireTypeClass(Element.hdf5TypeClass, for: "\(Element.self)")
        let selection = try selectRows(firstRow, count: count, elements: nil)
        defer { selection.close() }
        var values = [Element](repeating: 0, count: selection.elementCount)
        guard selection.elementCount > 0 else { return values }
        _ = try values.withUnsafeMutableBufferPointer { (buffer) throws(HDF5Error) in
            // A virtual dataset's read opens its source files (`DescriptorFence`).
            try DescriptorFence.opening { () throws(HDF5Error) in
                try call("reading rows \(firstRow)..<\(firstRow + count)") {
                    H5Dread(handle.id, Element.hdf5MemoryType, selection.memory, selection.file, chdf5_p_default(),
                            buffer.baseAddress)
                }
            }
        }
        return values
    }

    // MARK: strings

    public func writeStrings(_ strings: [String]) throws(HDF5Error) {
        try writeStringRows(strings, startingAt: 0, count: try rowCount())
    }

    public func readStrings() throws(HDF5Error) -> [String] {
        try readStringRows(startingAt: 0, count: try rowCount())
    }

    public func writeStringRows(_ strings: [String], startingAt firstRow: Int, count: Int) throws(HDF5Error) {
        try requireVariableLengthStrings()
        let selection = try selectRows(firstRow, count: count, elements: strings.count)
        defer { selection.close() }
        guard count > 0 else { return }
        let stringType = try makeVariableLengthStringType(path: handle.filePath)
        defer { H5Tclose(stringType) }
        _ = try withCStringPointers(strings) { (pointers) throws(HDF5Error) in
            try pointers.withUnsafeBufferPointer { (buffer) throws(HDF5Error) in
                try call("writing string rows \(firstRow)..<\(firstRow + count)") {
                    H5Dwrite(handle.id, stringType, selection.memory, selection.file, chdf5_p_default(),
                             buffer.baseAddress)
                }
            }
        }
    }

    public func readStringRows(startingAt firstRow: Int, count: Int) throws(HDF5Error) -> [String] {
        try requireVariableLengthStrings()
        let selection = try selectRows(firstRow, count: count, elements: nil)
        defer { selection.close() }
        guard selection.elementCount > 0 else { return [] }
        let stringType = try makeVariableLengthStringType(path: handle.filePath)
        defer { H5Tclose(stringType) }
        var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: selection.elementCount)
        _ = try pointers.withUnsafeMutableBufferPointer { (buffer) throws(HDF5Error) in
            try DescriptorFence.opening { () throws(HDF5Error) in
                try call("reading string rows \(firstRow)..<\(firstRow + count)") {
                    H5Dread(handle.id, stringType, selection.memory, selection.file, chdf5_p_default(),
                            buffer.baseAddress)
                }
            }
        }
        let strings = pointers.map { $0.map { String(cString: $0) } ?? "" }
        _ = pointers.withUnsafeMutableBufferPointer { buffer in
            H5Dvlen_reclaim(stringType, selection.memory, chdf5_p_default(), buffer.baseAddress)
        }
        return strings
    }

    // MARK: helpers

    private struct RowSelection {
        let file: hid_t
        let memory: hid_t
        let elementCount: Int
        func close() {
            H5Sclose(file)
            H5Sclose(memory)
        }
    }

    /// Selects rows firstRow..<firstRow+count in the file and a matching contiguous memory space.
    private func selectRows(_ firstRow: Int, count: Int, elements: Int?) throws(HDF5Error) -> RowSelection {
        let fileSpace = try call("getting the dataspace") { H5Dget_space(handle.id) }
        do throws(HDF5Error) {
            let dimensions = try extent(of: fileSpace)
            let (end, overflow) = firstRow.addingReportingOverflow(count)
            guard let rows = dimensions.first, firstRow >= 0, count >= 0, !overflow, end <= rows else {
                throw HDF5Error(path: handle.filePath, operation: "selecting rows of \(handle.objectPath)",
                                message: "rows \(firstRow)..<\(firstRow + count) are outside the shape \(dimensions)")
            }
            var memoryDimensions = dimensions.map { hsize_t($0) }
            memoryDimensions[0] = hsize_t(count)
            guard let elementCount = HDF5Extent.elementCount([count] + dimensions.dropFirst()) else {
                throw HDF5Error(path: handle.filePath, operation: "selecting rows of \(handle.objectPath)",
                                message: "\(count) rows of shape \(dimensions) hold more elements than memory can address")
            }
            if let elements, elements != elementCount {
                throw HDF5Error(path: handle.filePath, operation: "writing \(handle.objectPath)",
                                message: "got \(elements) values for \(count) rows of shape \(dimensions), "
                                    + "which need \(elementCount)")
            }
            if count == 0 {
                // Nothing to transfer: callers return before reading or writing.
                let placeholder = try call("making an empty dataspace") { H5Screate(H5S_SCALAR) }
                return RowSelection(file: fileSpace, memory: placeholder, elementCount: 0)
            }
            var start = [hsize_t](repeating: 0, count: dimensions.count)
            start[0] = hsize_t(firstRow)
            try call("selecting rows") {
                H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &start, nil, &memoryDimensions, nil)
            }
            let memorySpace = try call("making the memory dataspace") {
                H5Screate_simple(Int32(memoryDimensions.count), &memoryDimensions, nil)
            }
            return RowSelection(file: fileSpace, memory: memorySpace, elementCount: elementCount)
        } catch {
            H5Sclose(fileSpace)
            throw error
        }
    }

    private func extent(of space: hid_t) throws(HDF5Error) -> [Int] {
        let rank = try call("getting the rank") { H5Sget_simple_extent_ndims(space) }
        var dimensions = [hsize_t](repeating: 0, count: Int(rank))
        try call("getting the extent") { H5Sget_simple_extent_dims(space, &dimensions, nil) }
        return try dimensions.map { (size) throws(HDF5Error) in
            guard let value = Int(exactly: size), value <= HDF5Extent.maximumDimension else {
                throw HDF5Error(path: handle.filePath, operation: "getting the extent of \(handle.objectPath)",
                                message: "a dimension of \(size) elements is beyond any real dataset")
            }
            return value
        }
    }

    private func requireTypeClass(_ expected: H5T_class_t, for typeName: String) throws(HDF5Error) {
        let type = try call("getting the element type") { H5Dget_type(handle.id) }
        defer { H5Tclose(type) }
        let stored = H5Tget_class(type)
        guard stored == expected else {
            throw HDF5Error(path: handle.filePath, operation: "accessing \(handle.objectPath) as \(typeName)",
                            message: "the stored elements are \(describeTypeClass(stored)), "
                                + "not \(describeTypeClass(expected))")
        }
    }

    private func requireVariableLengthStrings() throws(HDF5Error) {
        let type = try call("getting the element type") { H5Dget_type(handle.id) }
        defer { H5Tclose(type) }
        guard H5Tget_class(type) == H5T_STRING, H5Tis_variable_str(type) > 0 else {
            throw HDF5Error(path: handle.filePath, operation: "accessing \(handle.objectPath) as strings",
                            message: "the stored elements are not variable-length strings")
        }
    }

    @discardableResult
    private func call<Status: SignedInteger>(_ operation: String, _ body: () -> Status) throws(HDF5Error) -> Status {
        try hdf5Call("\(operation) of \(handle.objectPath)", path: handle.filePath, body)
    }
}
