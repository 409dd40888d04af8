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
        // Input projections of all time steps at once: [batch*steps, 3u].
        var projected = Matrix.product(input.values, kernel, m: batch * steps, n: g, k: inputDim)
        projected.withUnsafeMutableBufferPointer { xp in
            for row in 0..<(batch * steps) {
                for c in 0..<g { xp[row * g + c] += bias[c] }
            }
        }
        let perStep = batch * u
        var previousState = [Float](repeating: 0, count: steps * perStep)
        var update = previousState, reset = previousState, candidate = previousState, recurrentCandidate = previousState
        var output = [Float](repeating: 0, count: returnSequences ? batch * steps * u : batch * u)

        // Raw pointers in the step loop: array writes there would re-check uniqueness on every element.
        let rec = UnsafeMutablePointer<Float>.allocate(capacity: batch * g)
        let h = UnsafeMutablePointer<Float>.allocate(capacity: perStep)
        h.initialize(repeating: 0, count: perStep)
        defer { rec.deallocate(); h.deallocate() }
        projected.withUnsafeBufferPointer { xpb in
        bias.withUnsafeBufferPointer { biasBuffer in
        let rb = biasBuffer.baseAddress! + g  // recurrent bias row
        let xp = xpb.baseAddress!
        previousState.withUnsafeMutableBufferPointer { hp in
        update.withUnsafeMutableBufferPointer { zs in
        reset.withUnsafeMutableBufferPointer { rs in
        candidate.withUnsafeMutableBufferPointer { hhs in
        recurrentCandidate.withUnsafeMutableBufferPointer { recs in
        output.withUnsafeMutableBufferPointer { out in
            for t in 0..<steps {
                (hp.baseAddress! + t * perStep).update(from: h, count: perStep)
                Matrix.multiply(h, recurrentKernel, into: rec, m: batch, n: g, k: u)
                for b in 0..<batch where input.mask[b * steps + t] > 0 {  // a masked step keeps h; backward skips it
                    let x = xp + (b * steps + t) * g, r0 = rec + b * g, hb = h + b * u
                    let c = t * perStep + b * u
                    // Gate pre-activations -> z, r, hh and the new state for units j..<j+n.
                    @inline(__always) func units(_ j: Int, _ n: Int) {
                        let z = (Lanes.load(x + j, count: n) + Lanes.load(r0 + j, count: n)
                                 + Lanes.load(rb + j, count: n)).laneSigmoid()
                        let r = (Lanes.load(x + u + j, count: n) + Lanes.load(r0 + u + j, count: n)
                                 + Lanes.load(rb + u + j, count: n)).laneSigmoid()
                        let recH = Lanes.load(r0 + 2 * u + j, count: n) + Lanes.load(rb + 2 * u + j, count: n)
                        let hh = (Lanes.load(x + 2 * u + j, count: n) + r * recH).laneTanh()
                        z.store(zs.baseAddress! + c + j, count: n)
                        r.store(rs.baseAddress! + c + j, count: n)
                        hh.store(hhs.baseAddress! + c + j, count: n)
                        recH.store(recs.baseAddress! + c + j, count: n)
                        (z * Lanes.load(hb + j, count: n) + (Lanes(repeating: 1) - z) * hh).store(hb + j, count: n)
                    }
                    var j = 0
                    while j + 8 <= u { units(j, 8); j += 8 }   // a constant 8 keeps the partial-load branches out
                    if j < u { units(j, u - j) }
                }
                if returnSequences {
                    for b in 0..<batch {
                        (out.baseAddress! + (b * steps + t) * u).update(from: h + b * u, count: u)
                    }
                }
            }
            if !returnSequences { out.baseAddress!.update(from: h, count: perStep) }
        }}}}}}}}
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
        var projectedGradient = [Float](repeating: 0, count: batch * steps * g)   // d(x W + b_i): [batch*steps, 3u]
        var recurrentGradient = [Float](repeating: 0, count: steps * batch * g)   // d(h_prev U + b_r): [steps, batch, 3u]
        var stateGradient = returnSequences ? [Float](repeating: 0, count: perStep) : outputGradient  // [batch, u]

        projectedGradient.withUnsafeMutableBufferPointer { dxp in
        recurrentGradient.withUnsafeMutableBufferPointer { dhp in
        stateGradient.withUnsafeMutableBufferPointer { dhs in
        cache.update.withUnsafeBufferPointer { zs in
        cache.reset.withUnsafeBufferPointer { rs in
        cache.candidate.withUnsafeBufferPointer { hhs in
        cache.recurrentCandidate.withUnsafeBufferPointer { recs in
        cache.previousState.withUnsafeBufferPointer { hps in
        outputGradient.withUnsafeBufferPointer { dout in
            for t in stride(from: steps - 1, through: 0, by: -1) {
                if returnSequences {
                    for b in 0..<batch {
                        for j in 0..<u { dhs[b * u + j] += dout[(b * steps + t) * u + j] }
                    }
                }
                for b in 0..<batch where input.mask[b * steps + t] > 0 {
                    let dx = dxp.baseAddress! + (b * steps + t) * g
                    let dr0 = dhp.baseAddress! + (t * batch + b) * g
                    let c = t * perStep + b * u
                    let dh0 = dhs.baseAddress! + b * u
                    let z0 = zs.baseAddress! + c, r0 = rs.baseAddress! + c, hh0 = hhs.baseAddress! + c
                    let rec0 = recs.baseAddress! + c, hp0 = hps.baseAddress! + c
                    let one = Lanes(repeating: 1)
                    // Backward of the gate maths for units j..<j+n (the forward's formulas differentiated).
                    @inline(__always) func units(_ j: Int, _ n: Int) {
                        let z = Lanes.load(z0 + j, count: n), r = Lanes.load(r0 + j, count: n)
                        let hh = Lanes.load(hh0 + j, count: n), dh = Lanes.load(dh0 + j, count: n)
                        let dz = dh * (Lanes.load(hp0 + j, count: n) - hh)
                        let dCandidatePre = dh * (one - z) * (one - hh * hh)
                        let dr = dCandidatePre * Lanes.load(rec0 + j, count: n)
                        let dUpdatePre = dz * z * (one - z)
                        let dResetPre = dr * r * (one - r)
                        dUpdatePre.store(dx + j, count: n)
                        dResetPre.store(dx + u + j, count: n)
                        dCandidatePre.store(dx + 2 * u + j, count: n)
                        dUpdatePre.store(dr0 + j, count: n)
                        dResetPre.store(dr0 + u + j, count: n)
                        (dCandidatePre * r).store(dr0 + 2 * u + j, count: n)
                        (dh * z).store(dh0 + j, count: n)   // the direct path through z * h_prev
                    }
                    var j = 0
                    while j + 8 <= u { units(j, 8); j += 8 }
                    if j < u { units(j, u - j) }
                }
                // Masked rows have zero recurrent gradient, so their state gradient passes through unchanged.
                Matrix.multiply(dhp.baseAddress! + t * batch * g, recurrentKernel, into: dhs.baseAddress!,
                                m: batch, n: u, k: g, transposeB: true, accumulate: true)
            }
        }}}}}}}}}

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
