import Shared

/// A recurrent classification head: the layer stack an architecture string describes, ending in the
/// Dense(1) logit (sigmoid applied by `predict`). Its weights are exposed as named tensors so a model file
/// can store them, and `init(architecture:inputDim:parameters:)` rebuilds the same head from them.
/// Every operation is one loop over `HeadLayer`s; nothing here knows a layer kind.
public struct Head: Sendable {
    public let architecture: String
    public let inputDim: Int
    public private(set) var layers: [any HeadLayer]
    /// Features each layer reads, for its parameter shapes.
    private let layerInputs: [Int]

    /// Fresh Keras-default weights drawn from `random`, layer by layer in order.
    public init(architecture: String, inputDim: Int, random: inout SeededRandom) throws {
        let specs = try ArchitectureGrammar.parse(architecture)
        self.architecture = architecture
        self.inputDim = inputDim
        var features = inputDim
        var layers: [any HeadLayer] = [], inputs: [Int] = []
        for spec in specs {
            inputs.append(features)
            layers.append(spec.makeLayer(inputFeatures: features, random: &random))
            features = spec.outputFeatures(inputFeatures: features)
        }
        self.layers = layers
        layerInputs = inputs
    }

    /// Rebuilds a head from its architecture and the tensors `namedParameters` produced.
    public init(architecture: String, inputDim: Int, parameters: [String: Tensor]) throws {
        var random = SeededRandom(seed: 0)
        var head = try Head(architecture: architecture, inputDim: inputDim, random: &random)
        var remaining = parameters
        for (name, tensor) in head.namedParameters {
            guard let stored = remaining.removeValue(forKey: name) else {
                throw ParameterError(problem: "parameter '\(name)' is missing")
            }
            guard stored.shape == tensor.shape else {
                throw ParameterError(problem: "parameter '\(name)' has shape \(stored.shape), '\(architecture)' needs \(tensor.shape)")
            }
        }
        if let extra = remaining.keys.sorted().first {
            throw ParameterError(problem: "parameter '\(extra)' does not belong to architecture '\(architecture)'")
        }
        for (i, layer) in head.layers.enumerated() {
            for (p, name) in head.parameterNames(layer: i, layer).enumerated() {
                let values = parameters[name]!.data
                head.layers[i].updateParameter(p) { $0 = values }
            }
        }
        self = head
    }

    /// "<index>_<kind>/<field>" for each stored array of layer `index`.
    private func parameterNames(layer index: Int, _ layer: any HeadLayer) -> [String] {
        let kind = type(of: layer).kindName
        return type(of: layer).parameterShapes(spec: layer.spec, inputFeatures: layerInputs[index])
            .map { "\(index)_\(kind)/\($0.field)" }
    }

    /// All weights, trainable and running statistics, in layer order, e.g. "0_gru/kernel" [inputDim, 3*units],
    /// "0_gru/recurrent_kernel" [units, 3*units], "0_gru/bias" [2, 3*units], "2_dense/kernel" [in, out],
    /// "2_dense/bias" [out], "1_batch_normalization/gamma|beta|moving_mean|moving_variance" [features].
    public var namedParameters: [(name: String, tensor: Tensor)] {
        var out: [(String, Tensor)] = []
        for (i, layer) in layers.enumerated() {
            let shapes = type(of: layer).parameterShapes(spec: layer.spec, inputFeatures: layerInputs[i])
            for ((field, shape), values) in zip(shapes, layer.storedParameters) {
                out.append(("\(i)_\(type(of: layer).kindName)/\(field)", Tensor(shape: shape, data: values)))
            }
        }
        return out
    }

    /// Number of weights, running statistics included (as Keras's total params).
    public var parameterCount: Int { namedParameters.reduce(0) { $0 + $1.tensor.count } }

    /// One line per layer with its weight count, for logs and reports.
    public var summary: String {
        var lines = ["\(architecture) on \(inputDim)-dim inputs:"]
        for (i, layer) in layers.enumerated() {
            lines.append("  \(i): \(layer.spec) \(layer.storedParameters.reduce(0) { $0 + $1.count })")
        }
        lines.append("  total parameters: \(parameterCount)")
        return lines.joined(separator: "\n")
    }

    // MARK: Forward and backward

    /// input [batch, steps, inputDim] with mask -> logits [batch]. Training mode draws dropout masks from
    /// `random` and moves batch-norm running statistics (hence mutating).
    public mutating func forward(_ input: Activations, mode: Mode, random: inout SeededRandom)
        -> (logits: [Float], caches: [any Sendable]) {
        var x = input
        var caches: [any Sendable] = []
        caches.reserveCapacity(layers.count)
        for i in layers.indices {
            let (y, cache) = layers[i].apply(x, mode: mode, random: &random)
            x = y
            caches.append(cache)
        }
        return (x.values, caches)
    }

    /// Gradients of the trainable parameters, in `trainableParameters` order, given d loss / d logits [batch].
    public func backward(_ caches: [any Sendable], logitGradient: [Float]) -> [[Float]] {
        precondition(caches.count == layers.count, "\(caches.count) caches for \(layers.count) layers")
        var grad = logitGradient
        var perLayer: [[[Float]]] = Array(repeating: [], count: layers.count)
        for i in stride(from: layers.count - 1, through: 0, by: -1) {
            let r = layers[i].backpropagate(caches[i], outputGradient: grad, needsInputGradient: i > 0)
            perLayer[i] = r.parameters
            grad = r.input ?? []
        }
        return perLayer.flatMap { $0 }
    }

    /// Probabilities of "fake" [batch] at inference.
    public func predict(_ input: Activations) -> [Float] {
        var copy = self
        var unused = SeededRandom(seed: 0)
        return copy.forward(input, mode: .inference, random: &unused).logits.map(sigmoid)
    }

    // MARK: Trainable parameters for the optimizer

    /// Trainable arrays in a fixed order: per layer its first `trainableCount` stored arrays (GRU [kernel,
    /// recurrent_kernel, bias], Dense [kernel, bias], BatchNorm [gamma, beta]). `backward` uses the same order.
    public var trainableParameters: [[Float]] {
        layers.flatMap { Array($0.storedParameters.prefix($0.trainableCount)) }
    }

    /// Visits each trainable array in `trainableParameters` order for an in-place update.
    public mutating func updateTrainable(_ body: (_ slot: Int, _ values: inout [Float]) -> Void) {
        var slot = 0
        for i in layers.indices {
            for p in 0..<layers[i].trainableCount {
                layers[i].updateParameter(p) { body(slot, &$0) }
                slot += 1
            }
        }
    }
}
