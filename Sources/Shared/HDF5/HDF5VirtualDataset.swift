import CHDF5

/// One block of rows of an HDF5 virtual dataset (VDS, HDF5 >= 1.10): rows `firstRow..<firstRow+rows` of the
/// virtual dataset read rows `sourceFirstRow..<sourceFirstRow+rows` (whole rows) of `dataset` in `file`.
/// A relative `file` is looked up beside the virtual dataset's file, so the folder can move as a whole.
public struct HDF5VirtualBlock: Sendable, Equatable {
    public var file: String
    public var dataset: String
    public var firstRow: Int
    public var rows: Int
    public var sourceFirstRow: Int

    public init(file: String, dataset: String, firstRow: Int, rows: Int, sourceFirstRow: Int = 0) {
        self.file = file
        self.dataset = dataset
        self.firstRow = firstRow
        self.rows = rows
        self.sourceFirstRow = sourceFirstRow
    }
}

extension HDF5Container {
    /// Creates a virtual dataset of `shape` whose rows are the given blocks of source datasets (each with
    /// the same trailing extents and element type); rows no block covers read as zeros.
    @discardableResult
    public func createVirtualDataset<Element: HDF5Scalar>(_ name: String, of type: Element.Type, shape: [Int],
                                                         blocks: [HDF5VirtualBlock]) throws(HDF5Error) -> HDF5Dataset {
        let path = handle.childPath(name), filePath = handle.filePath
        guard !shape.isEmpty, shape.allSatisfy({ $0 >= 0 }) else {
            throw HDF5Error(path: filePath, operation: "creating virtual dataset \(path)", message: "shape \(shape) is not an array shape")
        }
        let properties = try hdf5Call("making creation properties of \(path)", path: filePath) {
            H5Pcreate(chdf5_p_dataset_create())
        }
        defer { H5Pclose(properties) }
        var dimensions = shape.map { hsize_t($0) }
        let space = try hdf5Call("making the dataspace of \(path)", path: filePath) {
            H5Screate_simple(Int32(shape.count), &dimensions, nil)
        }
        defer { H5Sclose(space) }
        for block in blocks {
            guard !block.file.contains("%"), !block.dataset.contains("%"), block.rows > 0, block.firstRow >= 0,
                  block.sourceFirstRow >= 0, block.firstRow + block.rows <= shape[0] else {
                throw HDF5Error(path: filePath, operation: "mapping \(block.file) onto \(path)",
                                message: "rows \(block.firstRow)..<\(block.firstRow + block.rows) do not fit \(shape) (or a name holds '%')")
            }
            try addMapping(block, to: properties, virtualSpace: space, shape: shape, path: path)
        }
        let id = try hdf5Call("creating virtual dataset \(path) with shape \(shape)", path: filePath) {
            H5Dcreate2(handle.id, name, Element.hdf5MemoryType, space, chdf5_p_default(), properties, chdf5_p_default())
        }
        return HDF5Dataset(handle: HDF5Handle(id: id, filePath: filePath, objectPath: path, close: H5Dclose))
    }

    private func addMapping(_ block: HDF5VirtualBlock, to properties: hid_t, virtualSpace: hid_t, shape: [Int],
                            path: String) throws(HDF5Error) {
        let filePath = handle.filePath
        var count = [hsize_t(block.rows)] + shape.dropFirst().map { hsize_t($0) }
        var virtualStart = [hsize_t(block.firstRow)] + shape.dropFirst().map { _ in hsize_t(0) }
        try hdf5Call("selecting rows of \(path) for \(block.file)", path: filePath) {
            H5Sselect_hyperslab(virtualSpace, H5S_SELECT_SET, &virtualStart, nil, &count, nil)
        }
        var sourceExtent = [hsize_t(block.sourceFirstRow + block.rows)] + shape.dropFirst().map { hsize_t($0) }
        let sourceSpace = try hdf5Call("making the source dataspace of \(block.file)", path: filePath) {
            H5Screate_simple(Int32(shape.count), &sourceExtent, nil)
        }
        defer { H5Sclose(sourceSpace) }
        var sourceStart = [hsize_t(block.sourceFirstRow)] + shape.dropFirst().map { _ in hsize_t(0) }
        try hdf5Call("selecting rows of \(block.file)", path: filePath) {
            H5Sselect_hyperslab(sourceSpace, H5S_SELECT_SET, &sourceStart, nil, &count, nil)
        }
        try hdf5Call("mapping \(block.file):\(block.dataset) onto \(path)", path: filePath) {
            H5Pset_virtual(properties, virtualSpace, block.file, block.dataset, sourceSpace)
        }
    }
}

extension HDF5Dataset {
    /// Whether the dataset is virtual (its values live in other datasets, usually in other files).
    public func isVirtual() throws(HDF5Error) -> Bool {
        let properties = try hdf5Call("getting creation properties of \(handle.objectPath)", path: handle.filePath) {
            H5Dget_create_plist(handle.id)
        }
        defer { H5Pclose(properties) }
        return H5Pget_layout(properties) == H5D_VIRTUAL
    }

    /// The blocks a virtual dataset maps; refused unless every mapping is a block of whole rows on both sides
    /// (the only kind `createVirtualDataset` makes), so a reader can check each source before trusting it.
    public func virtualBlocks() throws(HDF5Error) -> [HDF5VirtualBlock] {
        let properties = try call("getting creation properties") { H5Dget_create_plist(handle.id) }
        defer { H5Pclose(properties) }
        var count = 0
        try call("counting the virtual mappings") { H5Pget_virtual_count(properties, &count) }
        let shape = try shape()
        var blocks: [HDF5VirtualBlock] = []
        for index in 0..<count {
            let target = try rowBlock(try call("getting mapping \(index)") { H5Pget_virtual_vspace(properties, index) },
                                      trailing: Array(shape.dropFirst()), what: "virtual rows of mapping \(index)")
            let source = try rowBlock(try call("getting mapping \(index)") { H5Pget_virtual_srcspace(properties, index) },
                                      trailing: Array(shape.dropFirst()), what: "source rows of mapping \(index)")
            guard target.rows == source.rows else {
                throw mappingError("mapping \(index) maps \(source.rows) source rows onto \(target.rows) rows")
            }
            let file = try name(index, H5Pget_virtual_filename, what: "file name")
            let dataset = try name(index, H5Pget_virtual_dsetname, what: "dataset name")
            blocks.append(HDF5VirtualBlock(file: file, dataset: dataset, firstRow: target.first, rows: target.rows,
                                           sourceFirstRow: source.first))
        }
        return blocks
    }

    /// The selection of `space` (closed here) as rows first..<first+rows over the whole `trailing` extents.
    private func rowBlock(_ space: hid_t, trailing: [Int], what: String) throws(HDF5Error) -> (first: Int, rows: Int) {
        defer { H5Sclose(space) }
        let rank = Int(H5Sget_simple_extent_ndims(space))
        guard rank == trailing.count + 1 else { throw mappingError("the \(what) have rank \(rank), not \(trailing.count + 1)") }
        var start = [hsize_t](repeating: 0, count: rank), end = [hsize_t](repeating: 0, count: rank)
        try call("getting the bounds of the \(what)") { H5Sget_select_bounds(space, &start, &end) }
        let points = H5Sget_select_npoints(space)
        let widths = zip(start, end).map { Int(clamping: $1) - Int(clamping: $0) + 1 }
        guard zip(start.dropFirst(), widths.dropFirst()).allSatisfy({ $0.0 == 0 }), Array(widths.dropFirst()) == trailing,
              let volume = HDF5Extent.elementCount(widths), volume == Int(points), widths[0] > 0 else {
            throw mappingError("the \(what) are not a block of whole rows")
        }
        return (Int(clamping: start[0]), widths[0])
    }

    private func name(_ index: Int, _ get: (hid_t, Int, UnsafeMutablePointer<CChar>?, Int) -> Int,
                      what: String) throws(HDF5Error) -> String {
        let properties = try call("getting creation properties") { H5Dget_create_plist(handle.id) }
        defer { H5Pclose(properties) }
        let length = get(properties, index, nil, 0)
        guard length >= 0, length <= 4096 else { throw mappingError("the \(what) of mapping \(index) is unreadable") }
        var buffer = [CChar](repeating: 0, count: length + 1)
        _ = get(properties, index, &buffer, length + 1)
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private func mappingError(_ message: String) -> HDF5Error {
        HDF5Error(path: handle.filePath, operation: "reading the virtual mappings of \(handle.objectPath)", message: message)
    }

    @discardableResult
    private func call<Status: SignedInteger>(_ operation: String, _ body: () -> Status) throws(HDF5Error) -> Status {
        try hdf5Call("\(operation) of \(handle.objectPath)", path: handle.filePath, body)
    }
}
