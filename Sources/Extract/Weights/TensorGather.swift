import Shared

/// Turns strided tensor views into contiguous float32 `Tensor`s, decoding each storage once.
struct TensorGather {
    /// Raw little-endian bytes of each root storage, by key.
    let storageBytes: [String: ArraySlice<UInt8>]
    private var decoded: [String: [Float]] = [:]

    init(storageBytes: [String: ArraySlice<UInt8>]) {
        self.storageBytes = storageBytes
    }

    mutating func tensor(_ reference: TensorReference) throws -> Tensor {
        let storage = reference.storage
        let values = try decodedStorage(storage)
        let count = reference.size.reduce(1, *)
        guard reference.size.allSatisfy({ $0 >= 0 }) else {
            throw CheckpointFormatProblem("tensor has a negative size \(reference.size)")
        }
        if count == 0 { return Tensor(shape: reference.size, data: []) }

        // Bounds: the furthest element the view reaches must lie inside the (possibly viewed) storage.
        var lowest = reference.storageOffset
        var highest = reference.storageOffset
        for (size, stride) in zip(reference.size, reference.stride) {
            let reach = (size - 1) * stride
            if reach < 0 { lowest += reach } else { highest += reach }
        }
        guard lowest >= 0, highest < storage.elementCount else {
            throw CheckpointFormatProblem("tensor of size \(reference.size), stride \(reference.stride), offset \(reference.storageOffset) reaches outside its storage '\(storage.key)' of \(storage.elementCount) elements")
        }

        let base = storage.elementOffset + reference.storageOffset
        if isContiguous(reference) {
            return Tensor(shape: reference.size, data: Array(values[base..<base + count]))
        }
        return Tensor(shape: reference.size, data: gather(values, base: base, size: reference.size, stride: reference.stride))
    }

    private func isContiguous(_ reference: TensorReference) -> Bool {
        var expected = 1
        for axis in stride(from: reference.size.count - 1, through: 0, by: -1) where reference.size[axis] != 1 {
            if reference.stride[axis] != expected { return false }
            expected *= reference.size[axis]
        }
        return true
    }

    /// Row-major walk over the view's index space, an odometer over all axes but the last.
    private func gather(_ values: [Float], base: Int, size: [Int], stride: [Int]) -> [Float] {
        let count = size.reduce(1, *)
        var out = [Float](repeating: 0, count: count)
        let rank = size.count
        let innerSize = size[rank - 1]
        let innerStride = stride[rank - 1]
        var index = [Int](repeating: 0, count: rank)
        var start = base
        var written = 0
        while written < count {
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

    private mutating func decodedStorage(_ storage: StorageReference) throws -> [Float] {
        if let values = decoded[storage.key] { return values }
        guard let bytes = storageBytes[storage.key] else {
            throw CheckpointFormatProblem("storage '\(storage.key)' referenced by a tensor is not in the file")
        }
        let available = bytes.count / storage.type.bytesPerElement
        guard storage.elementOffset + storage.elementCount <= available else {
            throw CheckpointFormatProblem("storage '\(storage.key)' holds \(available) \(storage.type.rawValue) elements, the file refers to \(storage.elementOffset + storage.elementCount)")
        }
        let values = storage.type.decode(bytes, count: available)
        decoded[storage.key] = values
        return values
    }
}
