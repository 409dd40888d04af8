extension FeatureMap {
    /// The activation applied to every value, as a new map: for a nonlinearity that cannot be fused into the
    /// layer before it because that layer's raw output is read again (Xception's pre-activation blocks).
    public func activated(_ activation: Activation) -> FeatureMap {
        var output = self
        output.data.withUnsafeMutableBufferPointer { y in
            for i in 0..<y.count { y[i] = activation(y[i]) }
        }
        return output
    }
}
