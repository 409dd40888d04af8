/// A fully connected layer y = x W + b, optionally followed by ReLU; applied to every (batch, step) row.
public struct Dense: Sendable {
    public let inputDim: Int
    public let units: Int
    public let relu: Bool
    public var kernel: [Float]  // [inputDim, units]
    public var bias: [Float]    // [units]

    /// Keras defaults: Glorot-uniform kernel, zero bias.
    public init(inputDim: Int, units: Int, relu: Bool, random: inout SeededRandom) {
        self.inputDim = inputDim
        self.units = units
        self.relu = relu
        kernel = Initializers.glorotUniform(fanIn: inputDim, fanOut: units, random: &random)
        bias = [Float](repeating: 0, count: units)
    }

    public init(inputDim: Int, units: Int, relu: Bool, kernel: [Float], bias: [Float]) {
        precondition(kernel.count == inputDim * units, "Dense kernel must be [inputDim, units]")
        precondition(bias.count == units, "Dense bias must be [units]")
        self.inputDim = inputDim
        self.units = units
        self.relu = relu
        self.kernel = kernel
        self.bias = bias
    }

    public struct Cache: Sendable {
        let input: Activations
        let output: [Float]  // [rows, units], after ReLU (its sign is the ReLU's gate)
    }

    /// input [rows, inputDim] -> [rows, units]
    public func forward(_ input: Activations) -> (Activations, Cache) {
        precondition(input.features == inputDim, "Dense expects \(inputDim) features, got \(input.features)")
        let rows = input.rows
        var y = Matrix.product(input.values, kernel, m: rows, n: units, k: inputDim)
        for r in 0..<rows {
            for c in 0..<units {
                let v = y[r * units + c] + bias[c]
                y[r * units + c] = relu ? max(v, 0) : v
            }
        }
        let out = Activations(values: y, mask: input.mask, batch: input.batch, steps: input.steps, features: units)
        return (out, Cache(input: input, output: y))
    }

    /// Gradients in parameter order [kernel, bias].
    public func backward(_ cache: Cache, outputGradient: [Float], needsInputGradient: Bool)
        -> (input: [Float]?, parameters: [[Float]]) {
        let rows = cache.input.rows
        var dy = outputGradient  // [rows, units]
        if relu {
            for i in dy.indices where cache.output[i] <= 0 { dy[i] = 0 }
        }
        let kernelGradient = Matrix.product(cache.input.values, dy, m: inputDim, n: units, k: rows, transposeA: true)
        let biasGradient = Matrix.columnSums(dy, rows: rows, cols: units)
        let inputGradient = needsInputGradient
            ? Matrix.product(dy, kernel, m: rows, n: inputDim, k: units, transposeB: true) : nil
        return (inputGradient, [kernelGradient, biasGradient])
    }
}

extension Dense: DeterministicLayer {
    public init(spec: LayerSpec, inputFeatures: Int, random: inout SeededRandom) {
        guard case let .dense(units, relu) = spec else { preconditionFailure("Dense built from \(spec)") }
        self.init(inputDim: inputFeatures, units: units, relu: relu, random: &random)
    }

    public static let kindName = "dense"

    public static func parameterShapes(spec: LayerSpec, inputFeatures: Int) -> [(field: String, shape: [Int])] {
        let units = outputFeatures(spec: spec, inputFeatures: inputFeatures)
        return [("kernel", [inputFeatures, units]), ("bias", [units])]
    }

    public static func outputFeatures(spec: LayerSpec, inputFeatures: Int) -> Int {
        guard case let .dense(units, _) = spec else { preconditionFailure("Dense sized from \(spec)") }
        return units
    }

    public var spec: LayerSpec { .dense(units: units, relu: relu) }
    public var storedParameters: [[Float]] { [kernel, bias] }

    public mutating func updateParameter(_ index: Int, _ body: (inout [Float]) -> Void) {
        switch index {
        case 0: body(&kernel)
        case 1: body(&bias)
        default: preconditionFailure("Dense has 2 parameters, not \(index + 1)")
        }
    }

}
