/// A storage named by a pickle persistent id: where its bytes are and how to read them.
/// Legacy files may pickle a view of a larger storage; `elementOffset` is then where the view begins.
struct StorageReference: Sendable {
    let type: StorageType
    /// Key of the root storage: its record name in a zip file, its position key in a legacy file.
    let key: String
    let elementOffset: Int
    let elementCount: Int
}

/// A strided view of a storage, as torch._utils._rebuild_tensor_v2 describes it (offsets and strides in elements).
struct TensorReference: Sendable {
    let storage: StorageReference
    let storageOffset: Int
    let size: [Int]
    let stride: [Int]
}

extension StorageReference {
    /// Parses torch's persistent id `('storage', torch.FloatStorage, key, location, numel[, view_metadata])`,
    /// where legacy view_metadata is `(view_key, offset, view_numel)` or None.
    init(persistentID: PickleValue) throws {
        guard let fields = persistentID.sequenceItems, fields.count >= 5, fields[0].stringValue == "storage" else {
            throw CheckpointFormatProblem("persistent id is not a ('storage', type, key, location, numel) tuple")
        }
        guard case .global(let module, let name) = fields[1] else {
            throw CheckpointFormatProblem("storage type is a \(fields[1].typeName), not a torch storage class")
        }
        guard let type = StorageType(module: module, name: name) else {
            throw CheckpointFormatProblem("storage type \(module).\(name) is not supported (supported: \(StorageType.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        guard let key = fields[2].stringValue ?? fields[2].intValue.map(String.init), let numel = fields[4].intValue else {
            throw CheckpointFormatProblem("storage persistent id has a malformed key or element count")
        }
        var offset = 0
        var count = numel
        if fields.count > 5, let view = fields[5].sequenceItems {
            guard view.count == 3, let viewOffset = view[1].intValue, let viewCount = view[2].intValue else {
                throw CheckpointFormatProblem("storage view metadata is not (key, offset, numel)")
            }
            offset = viewOffset
            count = viewCount
        }
        guard numel >= 0, offset >= 0, count >= 0 else {
            throw CheckpointFormatProblem("storage '\(key)' has a negative element count or view offset")
        }
        self.init(type: type, key: key, elementOffset: offset, elementCount: count)
    }
}
