/// Keras's default initializers, drawn from a seeded generator.
enum Initializers {
    /// Glorot (Xavier) uniform for a [fanIn, fanOut] kernel: U(-l, l) with l = sqrt(6 / (fanIn + fanOut)).
    static func glorotUniform(fanIn: Int, fanOut: Int, random: inout SeededRandom) -> [Float] {
        let limit = (6.0 / Double(fanIn + fanOut)).squareRoot()
        var w = [Float](repeating: 0, count: fanIn * fanOut)
        for i in w.indices { w[i] = Float((2 * random.nextUniform() - 1) * limit) }
        return w
    }

    /// Keras Orthogonal for a [rows, cols] kernel: QR of a Gaussian matrix with R's diagonal made positive.
    /// With rows < cols (the GRU's [units, 3*units]) Keras factors the transpose, so the rows come out orthonormal.
    static func orthogonal(rows: Int, cols: Int, random: inout SeededRandom) -> [Float] {
        let tall = max(rows, cols), narrow = min(rows, cols)
        // Gaussian [tall, narrow]; modified Gram-Schmidt over its columns gives Q with positive diag(R).
        var q = [Double](repeating: 0, count: tall * narrow)
        for i in q.indices { q[i] = random.nextGaussian() }
        for j in 0..<narrow {
            for p in 0..<j {
                var dot = 0.0
                for i in 0..<tall { dot += q[i * narrow + p] * q[i * narrow + j] }
                for i in 0..<tall { q[i * narrow + j] -= dot * q[i * narrow + p] }
            }
            var norm = 0.0
            for i in 0..<tall { norm += q[i * narrow + j] * q[i * narrow + j] }
            norm = norm.squareRoot()
            for i in 0..<tall { q[i * narrow + j] /= norm }
        }
        var w = [Float](repeating: 0, count: rows * cols)
        for r in 0..<rows {
            for c in 0..<cols {
                // rows >= cols: Q itself; rows < cols: Q transposed.
                w[r * cols + c] = Float(rows >= cols ? q[r * narrow + c] : q[c * narrow + r])
            }
        }
        return w
    }
}
