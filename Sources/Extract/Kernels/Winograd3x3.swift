import Shared

/// A 3x3, stride 1 convolution, padding 1 or none, by Winograd's minimal filtering F(m x m, 3x3) (Lavin & Gray 2015,
/// "Fast Algorithms for Convolutional Neural Networks"): each m x m block of outputs comes from its (m + 2)²
/// input window, F(2x2, 3x3) with 16 products per channel pair instead of 36, F(4x4, 3x3) with 36 instead of
/// 144. With d the window, g a filter and
///     V = Bᵀ d B,   U = G g Gᵀ,   Y = Aᵀ [ Σ_in U ⊙ V ] A,
/// the sum over input channels at each of the (m + 2)² positions ξ is a GEMM [tiles, in] x [in, out], run on the
/// packed 1x1 kernel (`multiplyPacked`). The transforms are adds and subtracts in a fixed order, so every output
/// is the same sequence of float operations on every CPU and under any batch or thread split; it differs from the
/// direct product in rounding only (checked against a double-precision convolution in Winograd3x3Tests).
struct Winograd3x3: Sendable {
    /// The output tile's side m, 2 or 4: F(4x4, 3x3) does 44% fewer products but holds 36 transformed weight
    /// matrices, not 16, so networks pick it where a pass has many tiles per weight read (ResNet's `stageTable`).
    let tile: Int
    /// Zero pixels around the input on each side: 1 (a same-size output) or 0 (two rows and columns fewer).
    let padding: Int
    let inputChannels: Int
    let outputChannels: Int
    /// U at the (m + 2)² positions ξ = (m + 2) i + j, each as a 1x1 layer's packed [out, in] weights.
    let transformed: [PackedPointwiseWeights]
    let bias: [Float]
    let activation: Activation
    /// The GEMMs add no bias (it is added once, after the output transform).
    private let zeros: [Float]

    /// Frames of fewer tiles than this stay on the direct product (a 5x5 map has 9 2x2 tiles for 25 outputs); a
    /// 7x7 frame has 16 2x2 tiles, a 14x14 one 16 4x4 tiles. The choice depends on the frame's size alone, never on
    /// the batch, so a frame's output is the same whatever pass it is in.
    static let minimumTiles = 16

    /// Whether frames of `input`'s size run on this rather than the direct product.
    func suits(_ input: FeatureMap) -> Bool {
        geometry(input).tiles >= Self.minimumTiles
    }

    /// The output's tiles for frames of `input`'s size.
    func geometry(_ input: FeatureMap) -> TileGeometry {
        TileGeometry(height: input.height + 2 * padding - 2, width: input.width + 2 * padding - 2, tile: tile)
    }

    /// The (m + 2)² window positions of a tile.
    var positions: Int { (tile + 2) * (tile + 2) }

    /// Layers this runs: ungrouped 3x3, stride 1, one pixel of zero padding on each side or none (Inception's
    /// and Xception's stems), channels in whole 8-lane vectors (the transforms' unit).
    static func applies(kernel: Int, stride: Int, padding: Padding, groups: Int, inputs: Int, outputs: Int) -> Bool {
        kernel == 3 && stride == 1 && groups == 1 && (padding == .symmetric(kernel: 3) || padding == .none)
            && inputs % 8 == 0 && outputs % 8 == 0
    }

    /// G for F(2x2, 3x3) and F(4x4, 3x3), (m + 2) x 3 (Lavin & Gray's points 0, ±1 and 0, ±1, ±2, ∞).
    static let filterTransforms: [Int: [[Double]]] = [
        2: [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]],
        4: [[1.0 / 4, 0, 0], [-1.0 / 6, -1.0 / 6, -1.0 / 6], [-1.0 / 6, 1.0 / 6, -1.0 / 6],
            [1.0 / 24, 1.0 / 12, 1.0 / 6], [1.0 / 24, -1.0 / 12, 1.0 / 6], [0, 0, 1]],
    ]

    /// torchWeights: [out, in, 3, 3]; bias: [out]; tile: the output tile's side m (2 or 4); padding: 1 or 0.
    init(torchWeights: [Float], bias: [Float], inputChannels: Int, activation: Activation, tile: Int = 2,
         padding: Int = 1) {
        precondition(padding == 0 || padding == 1, "Winograd 3x3 layers are padded by one pixel or none")
        let outputs = bias.count
        precondition(torchWeights.count == outputs * inputChannels * 9, "3x3 weights must be [out, in, 3, 3]")
        guard let G = Self.filterTransforms[tile] else { preconditionFailure("Winograd tiles are 2x2 or 4x4") }
        // U = G g Gᵀ in double, rounded once.
        let side = tile + 2
        var positions = [[Float]](repeating: [Float](repeating: 0, count: outputs * inputChannels), count: side * side)
        for o in 0..<outputs {
            for c in 0..<inputChannels {
                let g = (0..<9).map { Double(torchWeights[(o * inputChannels + c) * 9 + $0]) }
                for i in 0..<side {
                    for j in 0..<side {
                        var u = 0.0
                        for a in 0..<3 { for b in 0..<3 { u += G[i][a] * g[a * 3 + b] * G[j][b] } }
                        positions[i * side + j][o * inputChannels + c] = Float(u)
                    }
                }
            }
        }
        self.tile = tile
        self.padding = padding
        self.inputChannels = inputChannels
        self.outputChannels = outputs
        self.transformed = positions.map {
            PackedPointwiseWeights(weights: $0, inputChannels: inputChannels, outputChannels: outputs)
        }
        self.bias = bias
        self.activation = activation
        self.zeros = [Float](repeating: 0, count: outputs)
    }

    /// Layers whose transformed weight matrices fit in this many bytes run their tiles in chunks (`chunked`).
    static let chunkedWeightBytes = 640 << 10
    /// A chunk's V and M together take about this many bytes, so they stay in L2 between the three steps.
    static let chunkBytes = 768 << 10

    /// input [N, H, W, in] -> output [N, H + 2 padding - 2, W + 2 padding - 2, out]; threads: cores one call may
    /// split over; chunkRows: tiles per chunk (nil: by size, see `chunked`; Int.max: all at once).
    func callAsFunction(_ input: FeatureMap, threads: Int = CoreBudget.current, isa: KernelISA = .active,
                        chunkRows: Int? = nil) -> FeatureMap {
        precondition(input.channels == inputChannels, "winograd conv expects \(inputChannels) channels")
        let geometry = geometry(input)
        precondition(geometry.height > 0 && geometry.width > 0, "a 3x3 layer needs a 3x3 input")
        let rows = input.batch * geometry.tiles
        // Zero-padded so that every tile's window lies inside: `padding` pixels before, up to m + 1 after.
        let padded = paddedCopy(input, height: geometry.paddedHeight, width: geometry.paddedWidth)
        var output = FeatureMap(uninitializedBatch: input.batch, height: geometry.height, width: geometry.width,
                                channels: outputChannels)
        padded.withUnsafeBufferPointer { p in
            output.data.withUnsafeMutableBufferPointer { y in
                let weightBytes = positions * inputChannels * outputChannels * MemoryLayout<Float>.size
                let chunkRows = chunkRows ?? (weightBytes <= Self.chunkedWeightBytes
                                              ? Self.chunkRows(inputs: inputChannels, outputs: outputChannels,
                                                               positions: positions)
                                              : Int.max)
                if rows > chunkRows {
                    chunked(p.baseAddress!, geometry, rows: rows, chunkRows: chunkRows, into: y.baseAddress!,
                            threads: threads, isa: isa)
                } else {
                    whole(p.baseAddress!, geometry, rows: rows, into: y.baseAddress!, threads: threads, isa: isa)
                }
            }
        }
        return output
    }

    /// Tiles per chunk: a multiple of the 12-row GEMM tile whose V and M fit `chunkBytes`.
    static func chunkRows(inputs: Int, outputs: Int, positions: Int = 16) -> Int {
        max(12, chunkBytes / (positions * (inputs + outputs) * MemoryLayout<Float>.size) / 12 * 12)
    }

    /// All tiles through each step in turn: the tiles of every frame are the GEMMs' rows, so a pass of several
    /// small frames reads the transformed weights (megabytes on 14- and 7-pixel maps) once.
    private func whole(_ p: UnsafePointer<Float>, _ geometry: TileGeometry, rows: Int, into y: UnsafeMutablePointer<Float>,
                       threads: Int, isa: KernelISA) {
        // V: [positions][N * tiles][in], M: [positions][N * tiles][out].
        let v = UnsafeMutablePointer<Float>.allocate(capacity: positions * rows * inputChannels)
        let m = UnsafeMutablePointer<Float>.allocate(capacity: positions * rows * outputChannels)
        defer { v.deallocate(); m.deallocate() }
        let shares = (0..<threads).map { rows * $0 / threads..<rows * ($0 + 1) / threads }
        split(shares) { transformInput(p, geometry, rows: rows, $0, first: 0, into: v) }
        split((0..<threads).map { positions * $0 / threads..<positions * ($0 + 1) / threads }) {
            multiply(v, rows: rows, positions: $0, into: m, isa: isa)
        }
        split(shares) { transformOutput(m, geometry, rows: rows, $0, first: 0, into: y) }
    }

    /// A chunk of tiles at a time through all three steps, its V and M in L2, on layers whose transformed weights
    /// stay in L2 too (ResNet's 56-pixel 64-channel layers: whole, their 3 MB each of V and M went to L3 and back,
    /// and the layer ran at ~72 effective GMAC/s against ~114 on the 14-pixel maps, one Sapphire Rapids core).
    /// Chunks run in parallel over `threads`; each tile's sums are the same whatever chunk it is in.
    private func chunked(_ p: UnsafePointer<Float>, _ geometry: TileGeometry, rows: Int, chunkRows: Int,
                         into y: UnsafeMutablePointer<Float>, threads: Int, isa: KernelISA) {
        let chunks = stride(from: 0, to: rows, by: chunkRows).map { $0..<min($0 + chunkRows, rows) }
        func run(_ chunk: Range<Int>) {
            let v = UnsafeMutablePointer<Float>.allocate(capacity: positions * chunk.count * inputChannels)
            let m = UnsafeMutablePointer<Float>.allocate(capacity: positions * chunk.count * outputChannels)
            defer { v.deallocate(); m.deallocate() }
            transformInput(p, geometry, rows: chunk.count, chunk, first: chunk.lowerBound, into: v)
            multiply(v, rows: chunk.count, positions: 0..<positions, into: m, isa: isa)
            transformOutput(m, geometry, rows: chunk.count, chunk, first: chunk.lowerBound, into: y)
        }
        if threads > 1 { parallelFor(count: chunks.count) { run(chunks[$0]) } } else { chunks.forEach(run) }
    }

    /// The tiles of one frame: m x m output blocks, each read from its (m + 2)² window of the padded frame.
    struct TileGeometry {
        let height: Int
        let width: Int
        let tile: Int
        var tilesHigh: Int { (height + tile - 1) / tile }
        var tilesWide: Int { (width + tile - 1) / tile }
        var tiles: Int { tilesHigh * tilesWide }
        var paddedHeight: Int { tile * tilesHigh + 2 }
        var paddedWidth: Int { tile * tilesWide + 2 }

        /// Tile t's window: the index of its top-left pixel in the padded frames [N, paddedHeight, paddedWidth].
        func window(_ t: Int) -> Int {
            let (frame, index) = t.quotientAndRemainder(dividingBy: tiles)
            let (ty, tx) = index.quotientAndRemainder(dividingBy: tilesWide)
            return (frame * paddedHeight + tile * ty) * paddedWidth + tile * tx
        }

        /// Tile t's outputs: the index of the first in the frames [N, height, width], and how many of its rows
        /// and columns lie inside the map.
        func outputs(_ t: Int) -> (pixel: Int, height: Int, width: Int) {
            let (frame, index) = t.quotientAndRemainder(dividingBy: tiles)
            let (ty, tx) = index.quotientAndRemainder(dividingBy: tilesWide)
            let (oy, ox) = (tile * ty, tile * tx)
            return ((frame * height + oy) * width + ox, min(tile, height - oy), min(tile, width - ox))
        }
    }

    /// V[ξ][t - first] = (Bᵀ d B)[ξ] for the tiles `range`, V holding `rows` tiles from tile `first`.
    private func transformInput(_ padded: UnsafePointer<Float>, _ geometry: TileGeometry, rows: Int,
                                _ range: Range<Int>, first: Int, into v: UnsafeMutablePointer<Float>) {
        if tile == 4 {
            transformInput4(padded, geometry, rows: rows, range, first: first, into: v)
        } else {
            transformInput2(padded, geometry, rows: rows, range, first: first, into: v)
        }
    }

    /// F(2x2, 3x3): Bᵀ = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1].
    private func transformInput2(_ padded: UnsafePointer<Float>, _ geometry: TileGeometry, rows: Int,
                                _ range: Range<Int>, first: Int, into v: UnsafeMutablePointer<Float>) {
        let k = inputChannels, rowFloats = geometry.paddedWidth * k
        let plane = rows * k  // floats between positions ξ and ξ + 1
        for t in range {
            let window = padded + geometry.window(t) * k
            let out = v + (t - first) * k
            for c in Swift.stride(from: 0, to: k, by: 8) {
                @inline(__always) func d(_ i: Int, _ j: Int) -> ChannelVector {
                    ChannelVector(loadingFrom: window + i * rowFloats + j * k + c)
                }
                // Bᵀ d, row by row of the window's columns j.
                let t0 = (d(0, 0) - d(2, 0), d(0, 1) - d(2, 1), d(0, 2) - d(2, 2), d(0, 3) - d(2, 3))
                let t1 = (d(1, 0) + d(2, 0), d(1, 1) + d(2, 1), d(1, 2) + d(2, 2), d(1, 3) + d(2, 3))
                let t2 = (d(2, 0) - d(1, 0), d(2, 1) - d(1, 1), d(2, 2) - d(1, 2), d(2, 3) - d(1, 3))
                let t3 = (d(1, 0) - d(3, 0), d(1, 1) - d(3, 1), d(1, 2) - d(3, 2), d(1, 3) - d(3, 3))
                // (Bᵀ d) B, stored at ξ = 4i + j.
                @inline(__always) func store(_ i: Int, _ r: (ChannelVector, ChannelVector, ChannelVector, ChannelVector)) {
                    (r.0 - r.2).store(to: out + (4 * i) * plane + c)
                    (r.1 + r.2).store(to: out + (4 * i + 1) * plane + c)
                    (r.2 - r.1).store(to: out + (4 * i + 2) * plane + c)
                    (r.1 - r.3).store(to: out + (4 * i + 3) * plane + c)
                }
                store(0, t0); store(1, t1); store(2, t2); store(3, t3)
            }
        }
    }

    /// M[ξ] = V[ξ] U[ξ] for the positions `range`.
    private func multiply(_ v: UnsafePointer<Float>, rows: Int, positions range: Range<Int>,
                          into m: UnsafeMutablePointer<Float>, isa: KernelISA) {
        zeros.withUnsafeBufferPointer { zeros in
            for position in range {
                multiplyPacked(v + position * rows * inputChannels, rows: rows, transformed[position],
                               bias: zeros.baseAddress!, shortcut: nil, bounds: ActivationBounds(.identity),
                               into: m + position * rows * outputChannels, isa: isa)
            }
        }
    }

    /// y = activation(Aᵀ M A + bias) for the tiles `range`, M holding `rows` tiles from tile `first`; a tile's
    /// rows and columns past the map's edge are not stored.
    private func transformOutput(_ m: UnsafePointer<Float>, _ geometry: TileGeometry, rows: Int,
                                 _ range: Range<Int>, first: Int, into y: UnsafeMutablePointer<Float>) {
        if tile == 4 {
            transformOutput4(m, geometry, rows: rows, range, first: first, into: y)
        } else {
            transformOutput2(m, geometry, rows: rows, range, first: first, into: y)
        }
    }

    /// F(2x2, 3x3): Aᵀ = [1 1 1 0; 0 1 -1 -1].
    private func transformOutput2(_ m: UnsafePointer<Float>, _ geometry: TileGeometry, rows: Int,
                                 _ range: Range<Int>, first: Int, into y: UnsafeMutablePointer<Float>) {
        let n = outputChannels, plane = rows * n
        let bounds = ActivationBounds(activation)
        bias.withUnsafeBufferPointer { bias in
            for t in range {
                let outputs = geometry.outputs(t)
                let secondRow = outputs.height > 1, secondColumn = outputs.width > 1
                let corner = y + outputs.pixel * n
                let tile = m + (t - first) * n
                for c in Swift.stride(from: 0, to: n, by: 8) {
                    @inline(__always) func at(_ i: Int, _ j: Int) -> ChannelVector {
                        ChannelVector(loadingFrom: tile + (4 * i + j) * plane + c)
                    }
                    // Aᵀ M: two rows of four.
                    let s0 = (at(0, 0) + at(1, 0) + at(2, 0), at(0, 1) + at(1, 1) + at(2, 1),
                              at(0, 2) + at(1, 2) + at(2, 2), at(0, 3) + at(1, 3) + at(2, 3))
                    let s1 = (at(1, 0) - at(2, 0) - at(3, 0), at(1, 1) - at(2, 1) - at(3, 1),
                              at(1, 2) - at(2, 2) - at(3, 2), at(1, 3) - at(2, 3) - at(3, 3))
                    let b = ChannelVector(loadingFrom: bias.baseAddress! + c)
                    bounds(s0.0 + s0.1 + s0.2 + b).store(to: corner + c)
                    if secondColumn { bounds(s0.1 - s0.2 - s0.3 + b).store(to: corner + n + c) }
                    if secondRow {
                        let below = corner + geometry.width * n
                        bounds(s1.0 + s1.1 + s1.2 + b).store(to: below + c)
                        if secondColumn { bounds(s1.1 - s1.2 - s1.3 + b).store(to: below + n + c) }
                    }
                }
            }
        }
    }

    /// [N, height, width, in] with the input at (padding, padding) and zeros around it.
    private func paddedCopy(_ input: FeatureMap, height: Int, width: Int) -> [Float] {
        let k = input.channels, rowFloats = width * k
        var padded = [Float](repeating: 0, count: input.batch * height * rowFloats)
        input.data.withUnsafeBufferPointer { x in
            padded.withUnsafeMutableBufferPointer { p in
                for n in 0..<input.batch {
                    for row in 0..<input.height {
                        let source = x.baseAddress! + (n * input.height + row) * input.width * k
                        let target = p.baseAddress! + (n * height + row + padding) * rowFloats + padding * k
                        target.update(from: source, count: input.width * k)
                    }
                }
            }
        }
        return padded
    }
}

/// Runs body on each share, over the cores when there are several.
private func split(_ shares: [Range<Int>], _ body: (Range<Int>) -> Void) {
    if shares.count == 1 { body(shares[0]) } else { parallelFor(count: shares.count) { body(shares[$0]) } }
}

