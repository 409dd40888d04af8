import Shared

/// Turns strided tensor views into contiguous float32 `Tensor`s, decoding each storage once.
/// What it materialises is bounded by the bytes in the file: each view is checked against its storage first,
/// and all tensors together may hold at most `maxExpansion` times the elements of the storages they view.
struct TensorGather {
    /// Tied weights share a storage a few times over; a file that aliases one thousands of times is hostile.
    static let maxExpansion = 4

    /// Raw little-endian bytes of each root storage, by key.
    let storageBytes: [String: ArraySlice<UInt8>]
    private var decoded: [String: [Float]] = [:]

    init(storageBytes: [String: ArraySlice<UInt8>]) {
        self.storageBytes = storageBytes
    }

    /// Every tensor of the state_dict, each checked before any is materialised, and refused if not finite.
    mutating func tensors(_ references: [String: TensorReference]) throws -> [String: Tensor] {
        let names = references.keys.sorted()  // the same file fails with the same message every time
        var views: [String: CheckedView] = [:]
        var storageTypes: [String: StorageType] = [:]
        var total = 0
        for name in names {
            let storage = references[name]!.storage
            let view = try TensorGather.naming(name) { try CheckedView(references[name]!, available: try available(storage)) }
            if let type = storageTypes.updateValue(storage.type, forKey: storage.key), type != storage.type {
                throw CheckpointFormatProblem("storage '\(storage.key)' is viewed both as \(type.rawValue) and as \(storage.type.rawValue) (tensor '\(name)')")
            }
            views[name] = view
            let (sum, overflow) = total.addingReportingOverflow(view.count)
            total = overflow ? .max : sum
        }
        let stored = storageTypes.reduce(0) { $0 + (storageBytes[$1.key]?.count ?? 0) / $1.value.bytesPerElement }
        guard total <= TensorGather.maxExpansion * stored else {
            throw CheckpointFormatProblem("the tensors hold \(total) elements in all, more than \(TensorGather.maxExpansion) times the \(stored) elements of the storages they view (a storage aliased over and over)")
        }
        var tensors: [String: Tensor] = [:]
        for name in names {
            let tensor = tensor(views[name]!, storage: references[name]!.storage)
            if let index = tensor.data.firstIndex(where: { !$0.isFinite }) {
                let bad = tensor.data.lazy.filter { !$0.isFinite }.count
                throw CheckpointFormatProblem("tensor '\(name)' holds \(bad) non-finite values (NaN or infinity) among its \(tensor.count), the first at element \(index)",
                                              fix: "the weights are corrupt or come from a diverged training run: fetch them again (`make setup`) or save weights from a run that did not diverge")
            }
            tensors[name] = tensor
        }
        return tensors
    }

    /// Elements of the storage's type that its bytes in the file hold.
    private func available(_ storage: StorageReference) throws -> Int {
        guard let bytes = storageBytes[storage.key] else {
            throw CheckpointFormatProblem("storage '\(storage.key)' referenced by a tensor is not in the file")
        }
        return bytes.count / storage.type.bytesPerElement
    }

    private mutating func tensor(_ view: CheckedView, storage: StorageReference) -> Tensor {
        if view.count == 0 { return Tensor(shape: view.size, data: []) }
        let values = decodedStorage(storage)
        if view.isContiguous {
            return Tensor(shape: view.size, data: Array(values[view.base..<view.base + view.count]))
        }
        return Tensor(shape: view.size, data: TensorGather.gather(values, view))
    }

    /// Row-major walk over the view's index space, an odometer over all axes but the last.
    private static func gather(_ values: [Float], _ view: CheckedView) -> [Float] {
        let (size, stride) = (view.size, view.stride)
        var out = [Float](repeating: 0, count: view.count)
        let rank = size.count
        let innerSize = size[rank - 1]
        let innerStride = stride[rank - 1]
        var index = [Int](repeating: 0, count: rank)
        var start = view.base
        var written = 0
        while written < view.count {
            var position = start
            for _ in 0..<innerSize {
                out[written] = values[position]
                written += 1
                position += innerStride
            }
            // Advance the outer axes, carrying like an odometer.
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                start += stride[axis]
                if index[axis] < size[axis] { break }
                start -= stride[axis] * size[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return out
    }

    /// The whole root storage as floats; every view of it was checked against these bytes.
    private mutating func decodedStorage(_ storage: StorageReference) -> [Float] {
        if let values = decoded[storage.key] { return values }
        let bytes = storageBytes[storage.key] ?? []
        let values = storage.type.decode(bytes, count: bytes.count / storage.type.bytesPerElement)
        decoded[storage.key] = values
        return values
    }

    /// Prefixes a problem with the tensor it concerns.
    private static func naming<T>(_ name: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let problem as CheckpointFormatProblem {
            throw CheckpointFormatProblem("tensor '\(name)': \(problem.description)", fix: problem.fix)
        }
    }
}
