import Shared
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A Keras-compatible GRU (reset_after=True, recurrent_activation sigmoid, activation tanh).
/// Gate columns are ordered [z | r | h] in every kernel and bias row:
///   z  = sigmoid(x W_z + b_iz + h_prev U_z + b_rz)
///   r  = sigmoid(x W_r + b_ir + h_prev U_r + b_rr)
///   hh = tanh(x W_h + b_ih + r * (h_prev U_h + b_rh))
///   h  = z * h_prev + (1 - z) * hh
/// A masked step (mask 0) keeps h_prev, and with return_sequences outputs it again, as Keras does.
public struct GRU: Sendable {
    public let inputDim: Int
    public let units: Int
    public let returnSequences: Bool
    public var kernel: [Float]           // [inputDim, 3*units]
    public var recurrentKernel: [Float]  // [units, 3*units]
    public var bias: [Float]             // [2, 3*units]: row 0 input bias, row 1 recurrent bias

    /// Keras defaults: Glorot-uniform kernel, orthogonal recurrent kernel, zero bias.
    public init(inputDim: Int, units: Int, returnSequences: Bool, random: inout SeededRandom) {
        self.inputDim = inputDim
        self.units = units
        self.returnSequences = returnSequences
        kernel = Initializers.glorotUniform(fanIn: inputDim, fanOut: 3 * units, random: &random)
        recurrentKernel = Initializers.orthogonal(rows: units, cols: 3 * units, random: &random)
        bias = [Float](repeating: 0, count: 6 * units)
    }

    public init(inputDim: Int, units: Int, returnSequences: Bool,
                kernel: [Float], recurrentKernel: [Float], bias: [Float]) {
        precondition(kernel.count == inputDim * 3 * units, "GRU kernel must be [inputDim, 3*units]")
        precondition(recurrentKernel.count == units * 3 * units, "GRU recurrent kernel must be [units, 3*units]")
        precondition(bias.count == 6 * units, "GRU bias must be [2, 3*units]")
        self.inputDim = inputDim
        self.units = units
        self.returnSequences = returnSequences
        self.kernel = kernel
        self.recurrentKernel = recurrentKernel
        self.bias = bias
    }

    /// What backward needs, laid out per time step: [steps, batch, units] unless noted.
    public struct Cache: Sendable {
        let input: Activations
        let previousState: [Float]   // h_prev per step
        let update: [Float]          // z
        let reset: [Float]           // r
        let candidate: [Float]       // hh
        let recurrentCandidate: [Float]  // h_prev U_h + b_rh
    }

    /// input [batch, steps, inputDim] -> [batch, steps, units] (returnSequences) or [batch, units].
    public func forward(_ input: Activations) -> (Activations, Cache) {
        precondition(input.features == inputDim, "GRU expects \(inputDim) features, got \(input.features)")
        let batch = input.batch, steps = input.steps, u = units, g = 3 * units
        // Input projections of all time steps at once: [batch*steps, 3u] (biases are added in the step loop).
        let projected = Matrix.product(input.values, kernel, m: batch * steps, n: g, k: inputDim)
        let perStep = batch * u
        // The time loop writes every element of these (zeros for masked steps), so none is zero-filled first.
        var previousState = Matrix.uninitialized(steps * perStep)
        var update = Matrix.uninitialized(steps * perStep), reset = Matrix.uninitialized(steps * perStep)
        var candidate = Matrix.uninitialized(steps * perStep), recurrentCandidate = Matrix.uninitialized(steps * perStep)
        var output = Matrix.uninitialized(returnSequences ? batch * steps * u : batch * u)
        let recurrence = GRURecurrence(batch: batch, steps: steps, units: u)
        let state = UnsafeMutablePointer<Float>.allocate(capacity: 2 * perStep)
        state.initialize(repeating: 0, count: 2 * perStep)
        defer { state.deallocate() }
        projected.withUnsafeBufferPointer { xp in
        bias.withUnsafeBufferPointer { bias in
        recurrentKernel.withUnsafeBufferPointer { kernel in
        input.mask.withUnsafeBufferPointer { mask in
        previousState.withUnsafeMutableBufferPointer { hp in
        update.withUnsafeMutableBufferPointer { zs in
        reset.withUnsafeMutableBufferPointer { rs in
        candidate.withUnsafeMutableBufferPointer { hhs in
        recurrentCandidate.withUnsafeMutableBufferPointer { recs in
        output.withUnsafeMutableBufferPointer { out in
            let buffers = GRURecurrence.ForwardBuffers(
                projected: xp.baseAddress!, inputBias: bias.baseAddress!, recurrentBias: bias.baseAddress! + g,
                recurrentKernel: kernel.baseAddress!, mask: mask.baseAddress!, previousState: hp.baseAddress!,
                update: zs.baseAddress!, reset: rs.baseAddress!, candidate: hhs.baseAddress!,
                recurrentCandidate: recs.baseAddress!, sequenceOutput: returnSequences ? out.baseAddress! : nil,
                state: state, spareState: state + perStep)
            recurrence.forward(buffers, threads: recurrence.threads(available: BLASThreadCount.current))
            if !returnSequences { out.baseAddress!.update(from: state, count: perStep) }
        }}}}}}}}}}
        let result = returnSequences
            ? Activations(values: output, mask: input.mask, batch: batch, steps: steps, features: u)
            : Activations(flat: output, batch: batch, features: u)
        return (result, Cache(input: input, previousState: previousState, update: update, reset: reset,
                              candidate: candidate, recurrentCandidate: recurrentCandidate))
    }

    /// Gradients in parameter order [kernel, recurrentKernel, bias], plus the input gradient when asked.
    /// outputGradient has the forward output's shape.
    public func backward(_ cache: Cache, outputGradient: [Float], needsInputGradient: Bool)
        -> (input: [Float]?, parameters: [[Float]]) {
        let input = cache.input
        let batch = input.batch, steps = input.steps, u = units, g = 3 * units, perStep = batch * u
        // Every element is written by the time loop (zeros for masked steps).
        var projectedGradient = Matrix.uninitialized(batch * steps * g)   // d(x W + b_i): [batch*steps, 3u]
        var recurrentGradient = Matrix.uninitialized(steps * batch * g)   // d(h_prev U + b_r): [steps, batch, 3u]
        var stateGradient = returnSequences ? [Float](repeating: 0, count: perStep) : outputGradient  // [batch, u]
        let transposedKernel = Matrix.transpose(recurrentKernel, rows: u, cols: g)
        let recurrence = GRURecurrence(batch: batch, steps: steps, units: u)
        projectedGradient.withUnsafeMutableBufferPointer { dxp in
        recurrentGradient.withUnsafeMutableBufferPointer { dhp in
        stateGradient.withUnsafeMutableBufferPointer { dhs in
        input.mask.withUnsafeBufferPointer { mask in
        cache.update.withUnsafeBufferPointer { zs in
        cache.reset.withUnsafeBufferPointer { rs in
        cache.candidate.withUnsafeBufferPointer { hhs in
        cache.recurrentCandidate.withUnsafeBufferPointer { recs in
        cache.previousState.withUnsafeBufferPointer { hps in
        transposedKernel.withUnsafeBufferPointer { ut in
        outputGradient.withUnsafeBufferPointer { dout in
            let buffers = GRURecurrence.BackwardBuffers(
                sequenceGradient: returnSequences ? dout.baseAddress! : nil, stateGradient: dhs.baseAddress!,
                mask: mask.baseAddress!, previousState: hps.baseAddress!, update: zs.baseAddress!,
                reset: rs.baseAddress!, candidate: hhs.baseAddress!, recurrentCandidate: recs.baseAddress!,
                transposedRecurrentKernel: ut.baseAddress!, projectedGradient: dxp.baseAddress!,
                recurrentGradient: dhp.baseAddress!)
            recurrence.backward(buffers, threads: recurrence.threads(available: BLASThreadCount.current))
        }}}}}}}}}}}

        let kernelGradient = Matrix.product(input.values, projectedGradient, m: inputDim, n: g, k: batch * steps,
                                            transposeA: true)
        let recurrentKernelGradient = Matrix.product(cache.previousState, recurrentGradient, m: u, n: g,
                                                     k: steps * batch, transposeA: true)
        let biasGradient = Matrix.columnSums(projectedGradient, rows: batch * steps, cols: g)
            + Matrix.columnSums(recurrentGradient, rows: steps * batch, cols: g)
        let inputGradient = needsInputGradient
            ? Matrix.product(projectedGradient, kernel, m: batch * steps, n: inputDim, k: g, transposeB: true)
            : nil
        return (inputGradient, [kernelGradient, recurrentKernelGradient, biasGradient])
    }
}

extension GRU: HeadLayer {
    public init(spec: LayerSpec, inputFeatures: Int, random: inout SeededRandom) {
        guard case let .gru(units, returnSequences) = spec else { preconditionFailure("GRU built from \(spec)") }
        self.init(inputDim: inputFeatures, units: units, returnSequences: returnSequences, random: &random)
    }

    public static let kindName = "gru"

    public static func parameterShapes(spec: LayerSpec, inputFeatures: Int) -> [(field: String, shape: [Int])] {
        parameterShapes(inputDim: inputFeatures, units: outputFeatures(spec: spec, inputFeatures: inputFeatures))
    }

    public static func outputFeatures(spec: LayerSpec, inputFeatures: Int) -> Int {
        guard case let .gru(units, _) = spec else { preconditionFailure("GRU sized from \(spec)") }
        return units
    }

    public var spec: LayerSpec { .gru(units: units, returnSequences: returnSequences) }
    public var storedParameters: [[Float]] { [kernel, recurrentKernel, bias] }

    public mutating func updateParameter(_ index: Int, _ body: (inout [Float]) -> Void) {
        switch index {
        case 0: body(&kernel)
        case 1: body(&recurrentKernel)
        case 2: body(&bias)
        default: preconditionFailure("GRU has 3 parameters, not \(index + 1)")
        }
    }

}

extension GRU: RecurrentLayer {
    public static let cell = LayerSpec.RecurrentCell.gru

    public static func parameterShapes(inputDim: Int, units u: Int) -> [(field: String, shape: [Int])] {
        [("kernel", [inputDim, 3 * u]), ("recurrent_kernel", [u, 3 * u]), ("bias", [2, 3 * u])]
    }
}
