/// F(4x4, 3x3)'s data transforms for `Winograd3x3` with tile 4 (Lavin & Gray's points 0, ±1, ±2, ∞):
///     Bᵀ = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1],
///     Aᵀ = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1].
/// Each 2-D transform runs as the 1-D one down the window's columns into an L1 scratch, then along its rows,
/// eight channels at a time, in a fixed order of operations, so a tile's bits never depend on the batch, the
/// chunk or the core that computes it.
extension Winograd3x3 {
    /// V[6i + j][t - first] = (Bᵀ d B)[i][j] for the tiles `range`, V holding `rows` tiles from tile `first`.
    func transformInput4(_ padded: UnsafePointer<Float>, _ geometry: TileGeometry, rows: Int, _ range: Range<Int>,
                         first: Int, into v: UnsafeMutablePointer<Float>) {
        let k = inputChannels, rowFloats = geometry.paddedWidth * k
        let plane = rows * k  // floats between positions ξ and ξ + 1
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 36 * 8)  // (Bᵀ d)[i][j], 8 lanes each
        defer { scratch.deallocate() }
        for t in range {
            let window = padded + geometry.window(t) * k
            let out = v + (t - first) * k
            for c in Swift.stride(from: 0, to: k, by: 8) {
                for j in 0..<6 {
                    let column = window + j * k + c
                    @inline(__always) func d(_ i: Int) -> ChannelVector { ChannelVector(loadingFrom: column + i * rowFloats) }
                    let r = inputTransform(d(0), d(1), d(2), d(3), d(4), d(5))
                    r.0.store(to: scratch + j * 8); r.1.store(to: scratch + (6 + j) * 8)
                    r.2.store(to: scratch + (12 + j) * 8); r.3.store(to: scratch + (18 + j) * 8)
                    r.4.store(to: scratch + (24 + j) * 8); r.5.store(to: scratch + (30 + j) * 8)
                }
                for i in 0..<6 {
                    @inline(__always) func s(_ j: Int) -> ChannelVector { ChannelVector(loadingFrom: scratch + (6 * i + j) * 8) }
                    let r = inputTransform(s(0), s(1), s(2), s(3), s(4), s(5))
                    let row = out + 6 * i * plane + c
                    r.0.store(to: row); r.1.store(to: row + plane); r.2.store(to: row + 2 * plane)
                    r.3.store(to: row + 3 * plane); r.4.store(to: row + 4 * plane); r.5.store(to: row + 5 * plane)
                }
            }
        }
    }

    /// y = activation(Aᵀ M A + bias) for the tiles `range`, M holding `rows` tiles from tile `first`; output rows
    /// and columns past the map's edge are not stored.
    func transformOutput4(_ m: UnsafePointer<Float>, _ geometry: TileGeometry, rows: Int, _ range: Range<Int>,
                          first: Int, into y: UnsafeMutablePointer<Float>) {
        let n = outputChannels, plane = rows * n
        let bounds = ActivationBounds(activation)
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 24 * 8)  // (Aᵀ M)[i][j], 8 lanes each
        defer { scratch.deallocate() }
        bias.withUnsafeBufferPointer { bias in
            for t in range {
                let (pixel, height, width) = geometry.outputs(t)
                let corner = y + pixel * n
                let products = m + (t - first) * n
                for c in Swift.stride(from: 0, to: n, by: 8) {
                    for j in 0..<6 {
                        let column = products + j * plane + c
                        @inline(__always) func at(_ i: Int) -> ChannelVector {
                            ChannelVector(loadingFrom: column + 6 * i * plane)
                        }
                        let r = outputTransform(at(0), at(1), at(2), at(3), at(4), at(5))
                        r.0.store(to: scratch + j * 8); r.1.store(to: scratch + (6 + j) * 8)
                        r.2.store(to: scratch + (12 + j) * 8); r.3.store(to: scratch + (18 + j) * 8)
                    }
                    let b = ChannelVector(loadingFrom: bias.baseAddress! + c)
                    for i in 0..<height {
                        @inline(__always) func s(_ j: Int) -> ChannelVector {
                            ChannelVector(loadingFrom: scratch + (6 * i + j) * 8)
                        }
                        let r = outputTransform(s(0), s(1), s(2), s(3), s(4), s(5))
                        let row = corner + i * geometry.width * n + c
                        bounds(r.0 + b).store(to: row)
                        if width > 1 { bounds(r.1 + b).store(to: row + n) }
                        if width > 2 { bounds(r.2 + b).store(to: row + 2 * n) }
                        if width > 3 { bounds(r.3 + b).store(to: row + 3 * n) }
                    }
                }
            }
        }
    }
}

/// Bᵀ d for one column (or row) d0...d5 of a window, with shared partial sums.
@inline(__always)
private func inputTransform(_ d0: ChannelVector, _ d1: ChannelVector, _ d2: ChannelVector, _ d3: ChannelVector,
                            _ d4: ChannelVector, _ d5: ChannelVector)
    -> (ChannelVector, ChannelVector, ChannelVector, ChannelVector, ChannelVector, ChannelVector) {
    let (two, four, five) = (ChannelVector(repeating: 2), ChannelVector(repeating: 4), ChannelVector(repeating: 5))
    let a = d4 - four * d2, b = d3 - four * d1  // rows 1 and 2: a ± b
    let c = d4 - d2, e = two * (d3 - d1)        // rows 3 and 4: c ± e
    return (four * d0 - five * d2 + d4, a + b, a - b, c + e, c - e, four * d1 - five * d3 + d5)
}

/// Aᵀ m for one column (or row) m0...m5 of a tile's products.
@inline(__always)
private func outputTransform(_ m0: ChannelVector, _ m1: ChannelVector, _ m2: ChannelVector, _ m3: ChannelVector,
                             _ m4: ChannelVector, _ m5: ChannelVector)
    -> (ChannelVector, ChannelVector, ChannelVector, ChannelVector) {
    let (two, four, eight) = (ChannelVector(repeating: 2), ChannelVector(repeating: 4), ChannelVector(repeating: 8))
    let sum12 = m1 + m2, difference12 = m1 - m2, sum34 = m3 + m4, difference34 = m3 - m4
    return (m0 + sum12 + sum34, difference12 + two * difference34, sum12 + four * sum34,
            difference12 + eight * difference34 + m5)
}
