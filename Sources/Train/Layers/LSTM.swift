import Shared

/// A Keras-compatible LSTM (recurrent_activation sigmoid, activation tanh, unit_forget_bias). Gate columns
/// are ordered [i | f | c | o] in the kernel, recurrent kernel and bias:
///   a  = x W + h_prev U + b
///   i = sigmoid(a_i); f = sigmoid(a_f); g = tanh(a_c); o = sigmoid(a_o)
///   c = f * c_prev + i * g;  h = o * tanh(c)
/// A masked step (mask 0) keeps h and c, and with return_sequences outputs h_prev again, as Keras does.
/// The recurrent product runs as one oneDNN GEMM per step: a baseline, not tuned like the GRU's fused loop.
public struct LSTM: Sendable {
    public let inputDim: Int
    public let units: Int
    public let returnSequences: Bool
    public var kernel: [Float]           // [inputDim, 4*units]
    public var recurrentKernel: [Float]  // [units, 4*units]
    public var bias: [Float]             // [4*units]

    /// Keras defaults: Glorot-uniform kernel, orthogonal recurrent kernel, bias zero but one on the forget gate.
    public init(inputDim: Int, units: Int, returnSequences: Bool, random: inout SeededRandom) {
        self.inputDim = inputDim
        self.units = units
        self.returnSequences = returnSequences
        kernel = Initializers.glorotUniform(fanIn: inputDim, fanOut: 4 * units, random: &random)
        recurrentKernel = Initializers.orthogonal(rows: units, cols: 4 * units, random: &random)
        bias = (0..<(4 * units)).map { $0 / units == 1 ? 1 : 0 }
    }

    public init(inputDim: Int, units: Int, returnSequences: Bool,
                kernel: [Float], recurrentKernel: [Float], bias: [Float]) {
        precondition(kernel.count == inputDim * 4 * units, "LSTM kernel must be [inputDim, 4*units]")
        precondition(recurrentKernel.count == units * 4 * units, "LSTM recurrent kernel must be [units, 4*units]")
        precondition(bias.count == 4 * units, "LSTM bias must be [4*units]")
        self.inputDim = inputDim
        self.units = units
        self.returnSequences = returnSequences
        self.kernel = kernel
        self.recurrentKernel = recurrentKernel
        self.bias = bias
    }

    /// What backward needs. Rows are (b * steps + t), like the input.
    public struct Cache: Sendable {
        let input: Activations
        let gates: [Float]          // [batch*steps, 4u]: i, f, g, o after their activations (zeros when masked)
        let previousState: [Float]  // [batch*steps, u]: h_prev
        let previousCell: [Float]   // [batch*steps, u]: c_prev
        let cellTanh: [Float]       // [batch*steps, u]: tanh(c)
    }

    /// input [batch, steps, inputDim] -> [batch, steps, units] (returnSequences) or [batch, units].
    public func forward(_ input: Activations) -> (Activations, Cache) {
        precondition(input.features == inputDim, "LSTM expects \(inputDim) features, got \(input.features)")
        let batch = input.batch, steps = input.steps, u = units, g = 4 * units
        let projected = Matrix.product(input.values, kernel, m: batch * steps, n: g, k: inputDim)
        var gates = [Float](repeating: 0, count: batch * steps * g)
        var previousState = [Float](repeating: 0, count: batch * steps * u)
        var previousCell = previousState, cellTanh = previousState
        var output = [Float](repeating: 0, count: returnSequences ? batch * steps * u : batch * u)
        var h = [Float](repeating: 0, count: batch * u), c = h
        var recurrent = [Float](repeating: 0, count: batch * g)
        for t in 0..<steps {
            recurrent = Matrix.product(h, recurrentKernel, m: batch, n: g, k: u)
            for b in 0..<batch {
                let row = b * steps + t
                for j in 0..<u {
                    previousState[row * u + j] = h[b * u + j]
                    previousCell[row * u + j] = c[b * u + j]
                }
                if input.mask[row] > 0 {
                    for j in 0..<u {
                        let a = { (block: Int) in projected[row * g + block * u + j] + recurrent[b * g + block * u + j] + bias[block * u + j] }
                        let i = sigmoid(a(0)), f = sigmoid(a(1)), cand = fastTanh(a(2)), o = sigmoid(a(3))
                        let cell = f * c[b * u + j] + i * cand
                        let tc = fastTanh(cell)
                        gates[row * g + j] = i; gates[row * g + u + j] = f
                        gates[row * g + 2 * u + j] = cand; gates[row * g + 3 * u + j] = o
                        cellTanh[row * u + j] = tc
                        c[b * u + j] = cell
                        h[b * u + j] = o * tc
                    }
                }
                if returnSequences {
                    for j in 0..<u { output[row * u + j] = h[b * u + j] }
                }
            }
        }
        if !returnSequences { output = h }
        let result = returnSequences
            ? Activations(values: output, mask: input.mask, batch: batch, steps: steps, features: u)
            : Activations(flat: output, batch: batch, features: u)
        return (result, Cache(input: input, gates: gates, previousState: previousState, previousCell: previousCell,
                              cellTanh: cellTanh))
    }

    /// Gradients in parameter order [kernel, recurrentKernel, bias], plus the input gradient when asked.
    /// outputGradient has the forward output's shape.
    public func backward(_ cache: Cache, outputGradient: [Float], needsInputGradient: Bool)
        -> (input: [Float]?, parameters: [[Float]]) {
        let input = cache.input
        let batch = input.batch, steps = input.steps, u = units, g = 4 * units
        var preActivationGradient = [Float](repeating: 0, count: batch * steps * g)   // d a, rows b * steps + t
        var dh = returnSequences ? [Float](repeating: 0, count: batch * u) : outputGradient
        var dc = [Float](repeating: 0, count: batch * u)
        var stepGradient = [Float](repeating: 0, count: batch * g)
        for t in stride(from: steps - 1, through: 0, by: -1) {
            for b in 0..<batch {
                let row = b * steps + t
                if returnSequences {
                    for j in 0..<u { dh[b * u + j] += outputGradient[row * u + j] }
                }
                // A masked step passes dh and dc through unchanged and has no gate gradient.
                guard input.mask[row] > 0 else {
                    for k in 0..<g { stepGradient[b * g + k] = 0 }
                    continue
                }
                for j in 0..<u {
                    let i = cache.gates[row * g + j], f = cache.gates[row * g + u + j]
                    let cand = cache.gates[row * g + 2 * u + j], o = cache.gates[row * g + 3 * u + j]
                    let tc = cache.cellTanh[row * u + j], d = dh[b * u + j]
                    let cellGradient = dc[b * u + j] + d * o * (1 - tc * tc)
                    let dI = cellGradient * cand * i * (1 - i)
                    let dF = cellGradient * cache.previousCell[row * u + j] * f * (1 - f)
                    let dG = cellGradient * i * (1 - cand * cand), dO = d * tc * o * (1 - o)
                    let s = b * g + j, r = row * g + j
                    stepGradient[s] = dI; stepGradient[s + u] = dF; stepGradient[s + 2 * u] = dG; stepGradient[s + 3 * u] = dO
                    preActivationGradient[r] = dI; preActivationGradient[r + u] = dF
                    preActivationGradient[r + 2 * u] = dG; preActivationGradient[r + 3 * u] = dO
                    dc[b * u + j] = cellGradient * f
                }
            }
            // d h_prev = d a U^T on active rows; masked rows keep their dh (their d a row is zero).
            let back = Matrix.product(stepGradient, recurrentKernel, m: batch, n: u, k: g, transposeB: true)
            for b in 0..<batch where input.mask[b * steps + t] > 0 {
                for j in 0..<u { dh[b * u + j] = back[b * u + j] }
            }
        }
        let kernelGradient = Matrix.product(input.values, preActivationGradient, m: inputDim, n: g, k: batch * steps,
                                            transposeA: true)
        let recurrentKernelGradient = Matrix.product(cache.previousState, preActivationGradient, m: u, n: g,
                                                     k: batch * steps, transposeA: true)
        let biasGradient = Matrix.columnSums(preActivationGradient, rows: batch * steps, cols: g)
        let inputGradient = needsInputGradient
            ? Matrix.product(preActivationGradient, kernel, m: batch * steps, n: inputDim, k: g, transposeB: true)
            : nil
        return (inputGradient, [kernelGradient, recurrentKernelGradient, biasGradient])
    }
}

extension LSTM: HeadLayer, RecurrentLayer {
    public init(spec: LayerSpec, inputFeatures: Int, random: inout SeededRandom) {
        guard case let .lstm(units, returnSequences) = spec else { preconditionFailure("LSTM built from \(spec)") }
        self.init(inputDim: inputFeatures, units: units, returnSequences: returnSequences, random: &random)
    }

    public static let kindName = "lstm"
    public static let cell = LayerSpec.RecurrentCell.lstm

    public static func parameterShapes(spec: LayerSpec, inputFeatures: Int) -> [(field: String, shape: [Int])] {
        parameterShapes(inputDim: inputFeatures, units: outputFeatures(spec: spec, inputFeatures: inputFeatures))
    }

    public static func parameterShapes(inputDim: Int, units u: Int) -> [(field: String, shape: [Int])] {
        [("kernel", [inputDim, 4 * u]), ("recurrent_kernel", [u, 4 * u]), ("bias", [4 * u])]
    }

    public static func outputFeatures(spec: LayerSpec, inputFeatures: Int) -> Int {
        guard case let .lstm(units, _) = spec else { preconditionFailure("LSTM sized from \(spec)") }
        return units
    }

    public var spec: LayerSpec { .lstm(units: units, returnSequences: returnSequences) }
    public var storedParameters: [[Float]] { [kernel, recurrentKernel, bias] }

    public mutating func updateParameter(_ index: Int, _ body: (inout [Float]) -> Void) {
        switch index {
        case 0: body(&kernel)
        case 1: body(&recurrentKernel)
        case 2: body(&bias)
        default: preconditionFailure("LSTM has 3 parameters, not \(index + 1)")
        }
    }

}
