extension FeatureMap {
    /// Adds a same-shaped map elementwise: the identity shortcut of a residual block.
    public mutating func add(_ shortcut: FeatureMap) {
        precondition(batch == shortcut.batch && height == shortcut.height && width == shortcut.width
                     && channels == shortcut.channels, "residual shapes differ")
        data.withUnsafeMutableBufferPointer { y in
            shortcut.data.withUnsafeBufferPointer { x in
                for i in 0..<y.count { y[i] += x[i] }
            }
        }
    }
}
