/// Operands for the GEMM timings: uniform in [-1, 1] (the values do not change the work).
enum RandomMatrix {
    static func uniform(count: Int) -> [Float] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in Float.random(in: -1...1, using: &generator) }
    }
}
