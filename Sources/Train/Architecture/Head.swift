import Shared

/// A recurrent classification head: the layer stack an architecture string describes, ending in the
/// Dense(1) logit (sigmoid applied by `predict`). Its weights are exposed as named tensors so a model file
/// can store them, and `init(architecture:inputDim:parameters:)` rebuilds the same head from them.
public struct Head: Sendable {
    public let architecture: String
    public let inputDim: Int
    public private(set) var layers: [Layer]

    /// Fresh Keras-default weights drawn from `random`, layer by layer in order.
    public init(architecture: String, inputDim: Int, random: inout SeededRandom) throws {
        let specs = try ArchitectureGrammar.parse(architecture)
        self.architecture = architecture
        self.inputDim = inputDim
        var features = inputDim
        var layers: [Layer] = []
        for spec in specs {
            switch spec {
            case let .gru(units, returnSequences):
                layers.append(.gru(GRU(inputDim: features, units: units, returnSequences: returnSequences, random: &random)))
                features = units
            case .batchNorm:
                layers.append(.batchNorm(BatchNorm(features: features)))
            case let .dropout(rate):
                layers.append(.dropout(Dropout(rate: rate)))
            case let .dense(units, relu):
                layers.append(.dense(Dense(inputDim: features, units: units, relu: relu, random: &random)))
                features = units
            }
        }
        self.layers = layers
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
            try head.setParameter(name, stored.data)
        }
        if let extra = remaining.keys.sorted().first {
            throw ParameterError(problem: "parameter '\(extra)' does not belong to architecture '\(architecture)'")
        }
        self = head
    }

    /// All weights, trainable and running statistics, in layer order, e.g. "0_gru/kernel" [inputDim, 3*units],
    /// "0_gru/recurrent_kernel" [units, 3*units], "0_gru/bias" [2, 3*units], "2_dense/kernel" [in, out],
    /// "2_dense/bias" [out], "1_batch_normalization/gamma|beta|moving_mean|moving_variance" [features].
    public var namedParameters: [(name: String, tensor: Tensor)] {
        var out: [(String, Tensor)] = []
        for (i, layer) in layers.enumerated() {
            let stem = "\(i)_\(layer.kindName)/"
            switch layer {
            case let .gru(l):
                out.append((stem + "kernel", Tensor(shape: [l.inputDim, 3 * l.units], data: l.kernel)))
                out.append((stem + "recurrent_kernel", Tensor(shape: [l.units, 3 * l.units], data: l.recurrentKernel)))
                out.append((stem + "bias", Tensor(shape: [2, 3 * l.units], data: l.bias)))
            case let .batchNorm(l):
                out.append((stem + "gamma", Tensor(shape: [l.features], data: l.gamma)))
                out.append((stem + "beta", Tensor(shape: [l.features], data: l.beta)))
                out.append((stem + "moving_mean", Tensor(shape: [l.features], data: l.movingMean)))
                out.append((stem + "moving_variance", Tensor(shape: [l.features], data: l.movingVariance)))
            case .dropout:
                break
            case let .dense(l):
                out.append((stem + "kernel", Tensor(shape: [l.inputDim, l.units], data: l.kernel)))
                out.append((stem + "bias", Tensor(shape: [l.units], data: l.bias)))
            }
        }
        return out
    }

    /// Number of weights, running statistics included (as Keras's total params).
    public var parameterCount: Int { namedParameters.reduce(0) { $0 + $1.tensor.count } }

    /// One line per layer with its weight count, for logs and reports.
    public var summary: String {
        var lines = ["\(architecture) on \(inputDim)-dim inputs:"]
        let parameters = namedParameters
        for (i, layer) in layers.enumerated() {
            let count = parameters.filter { $0.name.hasPrefix("\(i)_") }.reduce(0) { $0 + $1.tensor.count }
            lines.append("  \(i): \(layer.spec) \(count)")
        }
        lines.append("  total parameters: \(parameterCount)")
        return lines.joined(separator: "\n")
    }

    private mutating func setParameter(_ name: String, _ values: [Float]) throws {
        guard let slash = name.firstIndex(of: "/"), let underscore = name.firstIndex(of: "_"),
              let index = Int(name[..<underscore]), layers.indices.contains(index) else {
            throw ParameterError(problem: "parameter name '\(name)' is malformed")
        }
        let field = String(name[name.index(after: slash)...])
        switch (layers[index], field) {
        case (.gru(var l), "kernel"): l.kernel = values; layers[index] = .gru(l)
        case (.gru(var l), "recurrent_kernel"): l.recurrentKernel = values; layers[index] = .gru(l)
        case (.gru(var l), "bias"): l.bias = values; layers[index] = .gru(l)
        case (.batchNorm(var l), "gamma"): l.gamma = values; layers[index] = .batchNorm(l)
        case (.batchNorm(var l), "beta"): l.beta = values; layers[index] = .batchNorm(l)
        case (.batchNorm(var l), "moving_mean"): l.movingMean = values; layers[index] = .batchNorm(l)
        case (.batchNorm(var l), "moving_variance"): l.movingVariance = values; layers[index] = .batchNorm(l)
        case (.dense(var l), "kernel"): l.kernel = values; layers[index] = .dense(l)
        case (.dense(var l), "bias"): l.bias = values; layers[index] = .dense(l)
        default: throw ParameterError(problem: "parameter '\(name)' does not match layer \(index)")
        }
    }

    // MARK: Forward and backward

    /// input [batch, steps, inputDim] with mask -> logits [batch]. Training mode draws dropout masks from
    /// `random` and moves batch-norm running statistics (hence mutating).
    public mutating func forward(_ input: Activations, mode: Mode, random: inout SeededRandom)
        -> (logits: [Float], caches: [Layer.Cache]) {
        var x = input
        var caches: [Layer.Cache] = []
        caches.reserveCapacity(layers.count)
        for i in layers.indices {
            switch layers[i] {
            case let .gru(l):
                let (y, c) = l.forward(x); x = y; caches.append(.gru(c))
            case let .batchNorm(l):
                let (y, c, updated) = l.forward(x, mode: mode); x = y; caches.append(.batchNorm(c))
                if mode == .training { layers[i] = .batchNorm(updated) }
            case let .dropout(l):
                let (y, c) = l.forward(x, mode: mode, random: &random); x = y; caches.append(.dropout(c))
            case let .dense(l):
                let (y, c) = l.forward(x); x = y; caches.append(.dense(c))
            }
        }
        return (x.values, caches)
    }

    /// Gradients of the trainable parameters, in `trainableParameters` order, given d loss / d logits [batch].
    public func backward(_ caches: [Layer.Cache], logitGradient: [Float]) -> [[Float]] {
        var grad = logitGradient
        var perLayer: [[[Float]]] = Array(repeating: [], count: layers.count)
        for i in stride(from: layers.count - 1, through: 0, by: -1) {
            let needsInput = i > 0
            switch (layers[i], caches[i]) {
            case let (.gru(l), .gru(c)):
                let r = l.backward(c, outputGradient: grad, needsInputGradient: needsInput)
                perLayer[i] = r.parameters; grad = r.input ?? []
            case let (.batchNorm(l), .batchNorm(c)):
                let r = l.backward(c, outputGradient: grad)
                perLayer[i] = r.parameters; grad = r.input
            case let (.dropout(l), .dropout(c)):
                grad = l.backward(c, outputGradient: grad)
            case let (.dense(l), .dense(c)):
                let r = l.backward(c, outputGradient: grad, needsInputGradient: needsInput)
                perLayer[i] = r.parameters; grad = r.input ?? []
            default:
                preconditionFailure("cache \(i) does not belong to layer \(layers[i].spec)")
            }
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

    /// Trainable arrays in a fixed order: per layer GRU [kernel, recurrent_kernel, bias], Dense [kernel, bias],
    /// BatchNorm [gamma, beta]. Gradients from `backward` use the same order.
    public var trainableParameters: [[Float]] {
        layers.flatMap { layer -> [[Float]] in
            switch layer {
            case let .gru(l): return [l.kernel, l.recurrentKernel, l.bias]
            case let .batchNorm(l): return [l.gamma, l.beta]
            case .dropout: return []
            case let .dense(l): return [l.kernel, l.bias]
            }
        }
    }

    /// Visits each trainable array in `trainableParameters` order for an in-place update.
    public mutating func updateTrainable(_ body: (_ slot: Int, _ values: inout [Float]) -> Void) {
        var slot = 0
        for i in layers.indices {
            switch layers[i] {
            case var .gru(l):
                layers[i] = .dropout(Dropout(rate: 0))  // release the enum's reference so updates stay in place
                body(slot, &l.kernel); body(slot + 1, &l.recurrentKernel); body(slot + 2, &l.bias)
                slot += 3; layers[i] = .gru(l)
            case var .batchNorm(l):
                layers[i] = .dropout(Dropout(rate: 0))
                body(slot, &l.gamma); body(slot + 1, &l.beta)
                slot += 2; layers[i] = .batchNorm(l)
            case .dropout:
                break
            case var .dense(l):
                layers[i] = .dropout(Dropout(rate: 0))
                body(slot, &l.kernel); body(slot + 1, &l.bias)
                slot += 2; layers[i] = .dense(l)
            }
        }
    }
}
