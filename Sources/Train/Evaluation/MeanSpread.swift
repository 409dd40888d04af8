/// Mean and sample standard deviation (n - 1 in the denominator) of one metric over repeated runs: seeds
/// or cross-validation folds. The deviation is nil for a single value, where it is undefined.
public struct MeanSpread: Codable, Sendable, Equatable {
    public var mean: Double
    public var std: Double?
    public var count: Int

    enum CodingKeys: String, CodingKey { case mean, std, count = "n" }

    /// Nil for no values.
    public init?(_ values: [Double]) {
        guard !values.isEmpty else { return nil }
        let mean = values.reduce(0, +) / Double(values.count)
        self.mean = mean
        count = values.count
        std = values.count < 2 ? nil
            : (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)).squareRoot()
    }

    /// `0.9123 ± 0.0210`, or the mean alone for one value.
    public var text: String {
        String(format: "%.4f", mean) + (std.map { String(format: " ± %.4f", $0) } ?? "")
    }
}
