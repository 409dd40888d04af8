/// Per-class loss weights. Balanced = n / (2 n_c), as sklearn's compute_class_weight("balanced") which the
/// Keras class_weight argument is usually given, so both classes contribute equally to the loss.
public struct ClassWeights: Sendable, Equatable {
    public let real: Float
    public let fake: Float

    public static let uniform = ClassWeights(real: 1, fake: 1)

    public init(real: Float, fake: Float) {
        self.real = real
        self.fake = fake
    }

    public static func balanced(labels: [Int]) -> ClassWeights {
        let fakes = labels.filter { $0 == 1 }.count, reals = labels.count - fakes
        guard fakes > 0, reals > 0 else { return .uniform }
        let n = Float(labels.count)
        return ClassWeights(real: n / (2 * Float(reals)), fake: n / (2 * Float(fakes)))
    }

    public func weight(label: Int) -> Float { label == 1 ? fake : real }
}
