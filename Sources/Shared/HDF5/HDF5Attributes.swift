import CHDF5

/// Attributes on a file's root group, a group or a dataset: strings (variable-length UTF-8, as h5py
/// writes `str`), numeric scalars and numeric 1-D arrays. Setting an existing name replaces it.
extension HDF5Object {
    public func hasAttribute(_ name: String) throws(HDF5Error) -> Bool {
        try attributeCall("looking for attribute \(name)") { H5Aexists(handle.id, name) } > 0
    }

    public func setAttribute(_ name: String, _ value: String) throws(HDF5Error) {
        let stringType = try makeVariableLengthStringType(path: handle.filePath)
        defer { H5Tclose(stringType) }
        try withNewAttribute(name, type: stringType, count: nil) { (attribute) throws(HDF5Error) in
            try withCStringPointers([value]) { (pointers) throws(HDF5Error) in
                try pointers.withUnsafeBufferPointer { (buffer) throws(HDF5Error) in
                    try attributeCall("writing attribute \(name)") { H5Awrite(attribute, stringType, buffer.baseAddress) }
                }
            }
        }
    }

    public func setAttribute<Element: HDF5Scalar>(_ name: String, _ value: Element) throws(HDF5Error) {
        try withNewAttribute(name, type: Element.hdf5MemoryType, count: nil) { (attribute) throws(HDF5Error) in
            var copy = value
            try attributeCall("writing attribute \(name)") { H5Awrite(attribute, Element.hdf5MemoryType, &copy) }
        }
    }

    public func setAttribute<Element: HDF5Scalar>(_ name: String, _ values: [Element]) throws(HDF5Error) {
        try withNewAttribute(name, type: Element.hdf5MemoryType, count: values.count) { (attribute) throws(HDF5Error) in
            try values.withUnsafeBufferPointer { (buffer) throws(HDF5Error) in
                try attributeCall("writing attribute \(name)") {
                    H5Awrite(attribute, Element.hdf5MemoryType, buffer.baseAddress)
                }
            }
        }
    }

    public func stringAttribute(_ name: String) throws(HDF5Error) -> String {
        try withExistingAttribute(name) { (attribute, count) throws(HDF5Error) in
            let storedType = try attributeCall("getting the type of attribute \(name)") { H5Aget_type(attribute) }
            defer { H5Tclose(storedType) }
            guard count == 1 else {
                throw HDF5Error(path: handle.filePath, operation: "reading attribute \(name) of \(handle.objectPath)",
                                message: "expected one string, found \(count)")
            }
            guard H5Tget_class(storedType) == H5T_STRING else {
                throw HDF5Error(path: handle.filePath, operation: "reading attribute \(name) of \(handle.objectPath)",
                                message: "it is not a string")
            }
            if H5Tis_variable_str(storedType) > 0 {
                let stringType = try makeVariableLengthStringType(path: handle.filePath)
                defer { H5Tclose(stringType) }
                var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: max(1, count))
                try attributeCall("reading attribute \(name)") { H5Aread(attribute, stringType, &pointers) }
                let value = pointers[0].map { String(cString: $0) } ?? ""
                for pointer in pointers { H5free_memory(pointer) }
                return value
            }
            // Fixed-length strings (as some other writers produce): read the raw bytes, stop at the first NUL.
            let size = H5Tget_size(storedType)
            var bytes = [UInt8](repeating: 0, count: size * max(1, count))
            try attributeCall("reading attribute \(name)") { H5Aread(attribute, storedType, &bytes) }
            let text = bytes.prefix(size).prefix { $0 != 0 }
            return String(decoding: text, as: UTF8.self)
        }
    }

    public func attribute<Element: HDF5Scalar>(_ name: String, as type: Element.Type = Element.self) throws(HDF5Error) -> Element {
        // Counted before reading, so a hostile array attribute is never allocated.
        let count = try withExistingAttribute(name) { (_, count) throws(HDF5Error) in count }
        let values = count == 1 ? try arrayAttribute(name, as: type) : []
        guard values.count == 1 else {
            throw HDF5Error(path: handle.filePath, operation: "reading attribute \(name) of \(handle.objectPath)",
                            message: "expected one value, found \(count)")
        }
        return values[0]
    }

    public func arrayAttribute<Element: HDF5Scalar>(_ name: String, as type: Element.Type = Element.self) throws(HDF5Error) -> [Element] {
        try withExistingAttribute(name) { (attribute, count) throws(HDF5Error) in
            let storedType = try attributeCall("getting the type of attribute \(name)") { H5Aget_type(attribute) }
            defer { H5Tclose(storedType) }
            guard H5Tget_class(storedType) == Element.hdf5TypeClass else {
                throw HDF5Error(path: handle.filePath, operation: "reading attribute \(name) of \(handle.objectPath)",
                                message: "it holds \(describeTypeClass(H5Tget_class(storedType))) values, not \(Element.self)")
            }
            var values = [Element](repeating: 0, count: count)
            if count > 0 {
                try attributeCall("reading attribute \(name)") { H5Aread(attribute, Element.hdf5MemoryType, &values) }
            }
            return values
        }
    }

    /// Deletes an attribute if present (tests make older files this way).
    public func removeAttribute(_ name: String) throws(HDF5Error) {
        if try hasAttribute(name) { try attributeCall("deleting attribute \(name)") { H5Adelete(handle.id, name) } }
    }

    // MARK: helpers

    /// Creates (replacing) an attribute: scalar when `count` is nil, else 1-D of `count` elements.
    private func withNewAttribute(_ name: String, type: hid_t, count: Int?,
                                  _ body: (hid_t) throws(HDF5Error) -> Void) throws(HDF5Error) {
        if try hasAttribute(name) {
            try attributeCall("replacing attribute \(name)") { H5Adelete(handle.id, name) }
        }
        let space: hid_t
        if let count {
            var dimensions = [hsize_t(count)]
            space = try attributeCall("making the dataspace of attribute \(name)") {
                H5Screate_simple(1, &dimensions, nil)
            }
        } else {
            space = try attributeCall("making the dataspace of attribute \(name)") { H5Screate(H5S_SCALAR) }
        }
        defer { H5Sclose(space) }
        let attribute = try attributeCall("creating attribute \(name)") {
            H5Acreate2(handle.id, name, type, space, chdf5_p_default(), chdf5_p_default())
        }
        defer { H5Aclose(attribute) }
        try body(attribute)
    }

    /// Opens an attribute and passes its element count (1 for scalars).
    private func withExistingAttribute<R>(_ name: String,
                                          _ body: (hid_t, Int) throws(HDF5Error) -> R) throws(HDF5Error) -> R {
        let attribute = try attributeCall("opening attribute \(name)") { H5Aopen(handle.id, name, chdf5_p_default()) }
        defer { H5Aclose(attribute) }
        let space = try attributeCall("getting the dataspace of attribute \(name)") { H5Aget_space(attribute) }
        defer { H5Sclose(space) }
        let count = try attributeCall("counting attribute \(name)") { H5Sget_simple_extent_npoints(space) }
        return try body(attribute, Int(count))
    }

    @discardableResult
    private func attributeCall<Status: SignedInteger>(_ operation: String,
                                                      _ body: () -> Status) throws(HDF5Error) -> Status {
        try hdf5Call("\(operation) on \(handle.objectPath)", path: handle.filePath, body)
    }
}
