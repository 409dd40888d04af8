/// Overflow-checked arithmetic on dataset extents, so a hostile shape becomes an error instead of a trap.
public enum HDF5Extent {
    /// No real dataset has a dimension beyond 2^48 elements; larger values are damage (or an attack).
    public static let maximumDimension = 1 << 48

    /// The number of elements of `shape` (1 for a scalar), or nil when it overflows `Int`.
    public static func elementCount<Dimensions: Sequence<Int>>(_ shape: Dimensions) -> Int? {
        var product = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (next, overflow) = product.multipliedReportingOverflow(by: dimension)
            if overflow { return nil }
            product = next
        }
        return product
    }

    /// `elementCount(shape) * elementBytes`, or nil when it overflows.
    public static func byteCount<Dimensions: Sequence<Int>>(_ shape: Dimensions, elementBytes: Int) -> Int? {
        guard let count = elementCount(shape) else { return nil }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: elementBytes)
        return overflow ? nil : bytes
    }
}
