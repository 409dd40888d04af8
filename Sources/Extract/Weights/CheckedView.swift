/// A tensor view checked against its storage with overflow-checked arithmetic before anything is read:
/// sizes, strides and offsets are non-negative, the element count fits in an Int and in the storage, and every
/// element the view reaches lies inside the storage's bytes.
struct CheckedView {
    let size: [Int]
    /// Strides, with those of length-1 axes zeroed: such axes are never stepped, so their strides may hold anything.
    let stride: [Int]
    /// The view's first element, counted in elements from the start of the root storage.
    let base: Int
    let count: Int

    /// `available` is how many elements of the storage's type its bytes in the file hold.
    init(_ reference: TensorReference, available: Int) throws {
        let storage = reference.storage
        let description = "size \(reference.size), stride \(reference.stride), offset \(reference.storageOffset)"
        guard reference.size.allSatisfy({ $0 >= 0 }), reference.stride.allSatisfy({ $0 >= 0 }), reference.storageOffset >= 0,
              storage.elementOffset >= 0, storage.elementCount >= 0
        else {
            throw CheckpointFormatProblem("negative size, stride or offset (\(description))")
        }
        guard let storageEnd = CheckedView.sum([storage.elementOffset, storage.elementCount]), storageEnd <= available else {
            throw CheckpointFormatProblem("storage '\(storage.key)' holds \(available) \(storage.type.rawValue) elements, the file refers to elements \(storage.elementOffset) to \(storage.elementOffset) + \(storage.elementCount)")
        }
        guard let count = CheckedView.product(reference.size) else {
            throw CheckpointFormatProblem("size \(reference.size) overflows a 64-bit element count")
        }
        // A view of more elements than its storage holds repeats them (stride 0): the file would expand in memory.
        guard count <= storage.elementCount else {
            throw CheckpointFormatProblem("view of \(count) elements (\(description)) is larger than its storage '\(storage.key)' of \(storage.elementCount) elements")
        }
        stride = zip(reference.size, reference.stride).map { $0 <= 1 ? 0 : $1 }
        if count > 0 {
            let reaches = zip(reference.size, stride).map { ($0 - 1).multipliedReportingOverflow(by: $1) }
            guard !reaches.contains(where: \.overflow), let highest = CheckedView.sum([reference.storageOffset] + reaches.map(\.partialValue)),
                  highest < storage.elementCount
            else {
                throw CheckpointFormatProblem("view (\(description)) reaches outside its storage '\(storage.key)' of \(storage.elementCount) elements")
            }
        }
        size = reference.size
        // An empty view may sit anywhere; clamping keeps the sum in range, and nothing is read from it.
        base = storage.elementOffset + min(reference.storageOffset, storage.elementCount)
        self.count = count
    }

    /// Row-major order with these strides, so the elements can be copied as one run.
    var isContiguous: Bool {
        var expected = 1
        for axis in Swift.stride(from: size.count - 1, through: 0, by: -1) where size[axis] != 1 {
            if stride[axis] != expected { return false }
            expected *= size[axis]
        }
        return true
    }

    /// The product, or nil when it overflows (in the order Tensor multiplies its shape).
    static func product(_ values: [Int]) -> Int? {
        var result = 1
        for value in values {
            let (next, overflow) = result.multipliedReportingOverflow(by: value)
            if overflow { return nil }
            result = next
        }
        return result
    }

    /// The sum, or nil when it overflows.
    static func sum(_ values: [Int]) -> Int? {
        var result = 0
        for value in values {
            let (next, overflow) = result.addingReportingOverflow(value)
            if overflow { return nil }
            result = next
        }
        return result
    }
}
