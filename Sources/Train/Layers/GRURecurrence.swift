/// The GRU's time loop with the recurrent product fused into the gate maths. A step's 8-unit chunk needs
/// only 3 x 8 columns of h_prev U (its z, r and candidate columns), so those are computed in registers for
/// four rows at a time and turned into gates and new state at once. Sequences are independent, so the
/// cores split the batch: each runs every step for its own rows, with no barrier and no shared writes.
/// At batch 8 a oneDNN call per step cost ~2 us and the gates another ~2.5 on one core; the fused step takes
/// ~2.2 us for both, on two cores.
/// Every row is computed by the same operations in the same order whichever thread owns it, so results do
/// not depend on the thread count.
struct GRURecurrence {
    let batch: Int
    let steps: Int
    let units: Int
    var gates: Int { 3 * units }
    var chunks: Int { (units + 7) / 8 }
    /// Rows that share each kernel load.
    static let rowGroup = 4

    /// Threads worth starting: one per group of four rows, once the whole pass has ~200k multiply-adds (a
    /// parallel region costs a few microseconds, once per pass: the threads never wait on each other).
    func threads(available: Int) -> Int {
        let groups = (batch + Self.rowGroup - 1) / Self.rowGroup
        return steps * batch * units * gates >= 200_000 ? max(1, min(available, groups)) : 1
    }

    /// The rows part `part` of `parts` owns: whole groups of four.
    func rowRange(part: Int, parts: Int) -> Range<Int> {
        let groups = (batch + Self.rowGroup - 1) / Self.rowGroup
        let first = groups * part / parts * Self.rowGroup, end = groups * (part + 1) / parts * Self.rowGroup
        return min(first, batch)..<min(end, batch)
    }
}

// MARK: - Forward

extension GRURecurrence {
    /// Pointers of one forward pass. Per-step tensors are [steps, batch, units]; `projected` is x W without
    /// bias, [batch * steps, 3u] (row b * steps + t); `output`, when sequences are returned, is [batch, steps, u].
    struct ForwardBuffers {
        let projected: UnsafePointer<Float>
        let inputBias: UnsafePointer<Float>       // [3u]
        let recurrentBias: UnsafePointer<Float>   // [3u]
        let recurrentKernel: UnsafePointer<Float> // [u, 3u]
        let mask: UnsafePointer<Float>            // [batch, steps]
        let previousState: UnsafeMutablePointer<Float>
        let update: UnsafeMutablePointer<Float>
        let reset: UnsafeMutablePointer<Float>
        let candidate: UnsafeMutablePointer<Float>
        let recurrentCandidate: UnsafeMutablePointer<Float>
        let sequenceOutput: UnsafeMutablePointer<Float>?
        let state: UnsafeMutablePointer<Float>    // [batch, u]: zeros in, the last state out
        let spareState: UnsafeMutablePointer<Float>  // [batch, u] scratch: the state is double-buffered
    }

    /// Runs every step; `state` holds the final state afterwards.
    func forward(_ buffers: ForwardBuffers, threads: Int) {
        let u = units, perStep = batch * u
        OpenMPTeam.run(threads: threads) { part, parts in
            let rows = rowRange(part: part, parts: parts)
            guard !rows.isEmpty else { return }
            var current = buffers.state, next = buffers.spareState
            let rowValues = rows.count * u   // the owned rows are contiguous in every [batch, u] slab
            for t in 0..<steps {
                // h_prev of these rows, for backward.
                (buffers.previousState + t * perStep + rows.lowerBound * u).update(from: current + rows.lowerBound * u,
                                                                                   count: rowValues)
                for chunk in 0..<chunks {
                    let j = chunk * 8, n = min(8, u - j)
                    // A literal width lets the compiler drop the partial-lane paths from full chunks.
                    if n == 8 { forwardChunk(buffers, rows: rows, t: t, j: j, n: 8, current: current, next: next) }
                    else { forwardChunk(buffers, rows: rows, t: t, j: j, n: n, current: current, next: next) }
                }
                swap(&current, &next)
            }
            // After an odd number of steps the last state sits in the spare buffer.
            if current != buffers.state {
                (buffers.state + rows.lowerBound * u).update(from: current + rows.lowerBound * u, count: rowValues)
            }
        }
    }

    /// The six bias vectors of one chunk: input biases (b_iz, b_ir, b_ih) and recurrent ones (b_rz, b_rr, b_rh).
    private struct ChunkBias {
        let z, r, h, recurrentZ, recurrentR, recurrentH: Lanes
        init(_ f: ForwardBuffers, u: Int, j: Int, n: Int) {
            z = Lanes.load(f.inputBias + j, count: n)
            r = Lanes.load(f.inputBias + u + j, count: n)
            h = Lanes.load(f.inputBias + 2 * u + j, count: n)
            recurrentZ = Lanes.load(f.recurrentBias + j, count: n)
            recurrentR = Lanes.load(f.recurrentBias + u + j, count: n)
            recurrentH = Lanes.load(f.recurrentBias + 2 * u + j, count: n)
        }
    }

    /// Step t for units j..<j+n of every row: z, r, hh and the new state into `next`. Three short passes over
    /// the rows rather than one long one: each pass's rows are independent, so the exponentials of several
    /// rows are in flight at once instead of one row's chain of three waiting on itself.
    @inline(__always)
    private func forwardChunk(_ f: ForwardBuffers, rows: Range<Int>, t: Int, j: Int, n: Int,
                              current: UnsafeMutablePointer<Float>, next: UnsafeMutablePointer<Float>) {
        let u = units, g = gates
        let bias = ChunkBias(f, u: u, j: j, n: n)
        let stepOffset = t * batch * u + j   // row b of this step's caches is at stepOffset + b * u
        @inline(__always) func active(_ b: Int) -> Bool { f.mask[b * steps + t] > 0 }
        @inline(__always) func projected(_ b: Int) -> UnsafePointer<Float> { f.projected + ((b * steps + t) * g + j) }
        // Pass 1: pre-activations of z and r, and h_prev U_h + b_rh, from the fused product.
        var b0 = rows.lowerBound
        while b0 < rows.upperBound {
            // A short last group repeats its last row (computed, not stored).
            let last = rows.upperBound - 1
            let p = Self.recurrentProduct(state: current, rows: (b0, min(b0 + 1, last), min(b0 + 2, last), min(b0 + 3, last)),
                                          kernel: f.recurrentKernel, u: u, g: g, j: j, n: n)
            @inline(__always) func preActivations(_ b: Int, _ recZ: Lanes, _ recR: Lanes, _ recC: Lanes) {
                guard b < rows.upperBound, active(b) else { return }
                let x = projected(b), c = stepOffset + b * u
                (((Lanes.load(x, count: n) + bias.z) + recZ) + bias.recurrentZ).store(f.update + c, count: n)
                (((Lanes.load(x + u, count: n) + bias.r) + recR) + bias.recurrentR).store(f.reset + c, count: n)
                (recC + bias.recurrentH).store(f.recurrentCandidate + c, count: n)
            }
            preActivations(b0, p.z.0, p.r.0, p.h.0)
            preActivations(b0 + 1, p.z.1, p.r.1, p.h.1)
            preActivations(b0 + 2, p.z.2, p.r.2, p.h.2)
            preActivations(b0 + 3, p.z.3, p.r.3, p.h.3)
            b0 += 4
        }
        // Pass 2: the gates.
        for b in rows where active(b) {
            let c = stepOffset + b * u
            Lanes.load(f.update + c, count: n).laneSigmoid().store(f.update + c, count: n)
            Lanes.load(f.reset + c, count: n).laneSigmoid().store(f.reset + c, count: n)
        }
        // Pass 3: the candidate and the new state; a masked step keeps h (and backward skips it).
        for b in rows {
            let previous = Lanes.load(current + b * u + j, count: n)
            var h = previous
            let c = stepOffset + b * u
            if !active(b) {   // the caches of a masked step are zeros
                Lanes().store(f.update + c, count: n); Lanes().store(f.reset + c, count: n)
                Lanes().store(f.candidate + c, count: n); Lanes().store(f.recurrentCandidate + c, count: n)
            } else {
                let z = Lanes.load(f.update + c, count: n), r = Lanes.load(f.reset + c, count: n)
                let recH = Lanes.load(f.recurrentCandidate + c, count: n)
                let hh = ((Lanes.load(projected(b) + 2 * u, count: n) + bias.h) + r * recH).laneTanh()
                hh.store(f.candidate + c, count: n)
                h = z * previous + (Lanes(repeating: 1) - z) * hh
            }
            h.store(next + b * u + j, count: n)
            if let out = f.sequenceOutput { h.store(out + (b * steps + t) * u + j, count: n) }
        }
    }

    /// Columns j..<j+n of the z, r and candidate blocks of h U for four rows: [row] per block.
    @inline(__always)
    private static func recurrentProduct(state h: UnsafePointer<Float>, rows: (Int, Int, Int, Int),
                                         kernel: UnsafePointer<Float>, u: Int, g: Int, j: Int, n: Int)
        -> (z: (Lanes, Lanes, Lanes, Lanes), r: (Lanes, Lanes, Lanes, Lanes), h: (Lanes, Lanes, Lanes, Lanes)) {
        let h0 = h + rows.0 * u, h1 = h + rows.1 * u, h2 = h + rows.2 * u, h3 = h + rows.3 * u
        var z0 = Lanes(), z1 = Lanes(), z2 = Lanes(), z3 = Lanes()
        var r0 = Lanes(), r1 = Lanes(), r2 = Lanes(), r3 = Lanes()
        var c0 = Lanes(), c1 = Lanes(), c2 = Lanes(), c3 = Lanes()
        for k in 0..<u {
            let row = kernel + (k &* g &+ j)
            let uz = Lanes.load(row, count: n), ur = Lanes.load(row + u, count: n), uc = Lanes.load(row + 2 * u, count: n)
            let a0 = Lanes(repeating: h0[k]), a1 = Lanes(repeating: h1[k])
            let a2 = Lanes(repeating: h2[k]), a3 = Lanes(repeating: h3[k])
            z0 = z0.addingProduct(a0, uz); r0 = r0.addingProduct(a0, ur); c0 = c0.addingProduct(a0, uc)
            z1 = z1.addingProduct(a1, uz); r1 = r1.addingProduct(a1, ur); c1 = c1.addingProduct(a1, uc)
            z2 = z2.addingProduct(a2, uz); r2 = r2.addingProduct(a2, ur); c2 = c2.addingProduct(a2, uc)
            z3 = z3.addingProduct(a3, uz); r3 = r3.addingProduct(a3, ur); c3 = c3.addingProduct(a3, uc)
        }
        return ((z0, z1, z2, z3), (r0, r1, r2, r3), (c0, c1, c2, c3))
    }
}

// MARK: - Backward

extension GRURecurrence {
    /// Pointers of one backward pass, laid out as in `ForwardBuffers`; every element of the gradients is written.
    struct BackwardBuffers {
        let sequenceGradient: UnsafePointer<Float>?   // [batch, steps, u] when sequences were returned
        let stateGradient: UnsafeMutablePointer<Float>  // [batch, u]: d h_last in (zeros with sequences)
        let mask: UnsafePointer<Float>
        let previousState: UnsafePointer<Float>
        let update: UnsafePointer<Float>
        let reset: UnsafePointer<Float>
        let candidate: UnsafePointer<Float>
        let recurrentCandidate: UnsafePointer<Float>
        let transposedRecurrentKernel: UnsafePointer<Float>  // [3u, u]
        let projectedGradient: UnsafeMutablePointer<Float>   // d(x W + b_i): [batch * steps, 3u]
        let recurrentGradient: UnsafeMutablePointer<Float>   // d(h_prev U + b_r): [steps, batch, 3u]
    }

    /// Runs every step from the last to the first, each thread over its own rows.
    func backward(_ buffers: BackwardBuffers, threads: Int) {
        OpenMPTeam.run(threads: threads) { part, parts in
            let rows = rowRange(part: part, parts: parts)
            guard !rows.isEmpty else { return }
            for t in stride(from: steps - 1, through: 0, by: -1) {
                for chunk in 0..<chunks {
                    let j = chunk * 8, n = min(8, units - j)
                    if n == 8 { backwardGates(buffers, rows: rows, t: t, j: j, n: 8) }
                    else { backwardGates(buffers, rows: rows, t: t, j: j, n: n) }
                }
                // Two chunks at a time: eight independent sums hide the multiply-add latency that four cannot.
                var j = 0
                while j < units {
                    let width = min(16, units - j)
                    if width == 16 { backwardState(buffers, rows: rows, t: t, j: j, n: 16) }
                    else { backwardState(buffers, rows: rows, t: t, j: j, n: width) }
                    j += 16
                }
            }
        }
    }

    /// The forward's gate formulas differentiated, for units j..<j+n of every active row of step t.
    @inline(__always)
    private func backwardGates(_ f: BackwardBuffers, rows: Range<Int>, t: Int, j: Int, n: Int) {
        let u = units, g = gates, one = Lanes(repeating: 1)
        for b in rows {
            let dhPointer = f.stateGradient + b * u + j
            var dh = Lanes.load(dhPointer, count: n)
            if let dOut = f.sequenceGradient { dh += Lanes.load(dOut + (b * steps + t) * u + j, count: n) }
            let dx = f.projectedGradient + (b * steps + t) * g + j, dA = f.recurrentGradient + (t * batch + b) * g + j
            guard f.mask[b * steps + t] > 0 else {   // masked: no gate gradient, the state gradient passes through
                for block in 0..<3 { Lanes().store(dx + block * u, count: n); Lanes().store(dA + block * u, count: n) }
                dh.store(dhPointer, count: n)
                continue
            }
            let c = t * batch * u + b * u + j
            let z = Lanes.load(f.update + c, count: n), r = Lanes.load(f.reset + c, count: n)
            let hh = Lanes.load(f.candidate + c, count: n)
            let dz = dh * (Lanes.load(f.previousState + c, count: n) - hh)
            let dCandidatePre = dh * (one - z) * (one - hh * hh)
            let dr = dCandidatePre * Lanes.load(f.recurrentCandidate + c, count: n)
            let dUpdatePre = dz * z * (one - z)
            let dResetPre = dr * r * (one - r)
            dUpdatePre.store(dx, count: n)
            dResetPre.store(dx + u, count: n)
            dCandidatePre.store(dx + 2 * u, count: n)
            dUpdatePre.store(dA, count: n)
            dResetPre.store(dA + u, count: n)
            (dCandidatePre * r).store(dA + 2 * u, count: n)
            (dh * z).store(dhPointer, count: n)   // the direct path through z * h_prev
        }
    }

    /// d h_prev[b, j..<j+n] += sum over c of dA[t, b, c] U[j..<j+n, c] (n <= 16), four rows at a time.
    @inline(__always)
    private func backwardState(_ f: BackwardBuffers, rows: Range<Int>, t: Int, j: Int, n: Int) {
        let u = units, g = gates, last = rows.upperBound - 1
        let n0 = min(n, 8), n1 = n - n0   // lanes of the first and second chunk
        let a = f.recurrentGradient + t * batch * g
        var b0 = rows.lowerBound
        while b0 < rows.upperBound {
            let a0 = a + b0 * g, a1 = a + min(b0 + 1, last) * g, a2 = a + min(b0 + 2, last) * g, a3 = a + min(b0 + 3, last) * g
            var s0 = Lanes(), s1 = Lanes(), s2 = Lanes(), s3 = Lanes()
            var t0 = Lanes(), t1 = Lanes(), t2 = Lanes(), t3 = Lanes()
            for c in 0..<g {
                let kernelRow = f.transposedRecurrentKernel + (c &* u &+ j)
                let w = Lanes.load(kernelRow, count: n0), v = Lanes.load(kernelRow + 8, count: n1)
                let d0 = Lanes(repeating: a0[c]), d1 = Lanes(repeating: a1[c])
                let d2 = Lanes(repeating: a2[c]), d3 = Lanes(repeating: a3[c])
                s0 = s0.addingProduct(d0, w); t0 = t0.addingProduct(d0, v)
                s1 = s1.addingProduct(d1, w); t1 = t1.addingProduct(d1, v)
                s2 = s2.addingProduct(d2, w); t2 = t2.addingProduct(d2, v)
                s3 = s3.addingProduct(d3, w); t3 = t3.addingProduct(d3, v)
            }
            @inline(__always) func add(_ b: Int, _ s: Lanes, _ t: Lanes) {
                guard b < rows.upperBound else { return }
                let p = f.stateGradient + b * u + j
                (Lanes.load(p, count: n0) + s).store(p, count: n0)
                if n1 > 0 { (Lanes.load(p + 8, count: n1) + t).store(p + 8, count: n1) }
            }
            add(b0, s0, t0); add(b0 + 1, s1, t1); add(b0 + 2, s2, t2); add(b0 + 3, s3, t3)
            b0 += 4
        }
    }
}
