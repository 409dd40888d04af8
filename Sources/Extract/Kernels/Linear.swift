import CBLAS
import Shared

/// Fully connected layer y = x W^T + b on rows: [N, in] -> [N, out].
public struct Linear: Sendable {
    public let inputFeatures: Int
    public let outputFeatures: Int
    /// [out, in] row-major (PyTorch layout).
    let weights: [Float]
    let bias: [Float]

    public init(weights: [Float], bias: [Float], inputFeatures: Int) {
        precondition(weights.count == bias.count * inputFeatures, "linear weights must be [out, in]")
        self.inputFeatures = inputFeatures
        self.outputFeatures = bias.count
        self.weights = weights
        self.bias = bias
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        precondition(input.rank == 2 && input.shape[1] == inputFeatures, "linear expects [N, \(inputFeatures)], got \(input.shape)")
        let rows = input.shape[0]
        var output = Tensor(zeros: [rows, outputFeatures])
        input.data.withUnsafeBufferPointer { x in
            weights.withUnsafeBufferPointer { w in
                output.data.withUnsafeMutableBufferPointer { y in
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans,
                                Int32(rows), Int32(outputFeatures), Int32(inputFeatures),
                                1, x.baseAddress, Int32(inputFeatures), w.baseAddress, Int32(inputFeatures),
                                0, y.baseAddress, Int32(outputFeatures))
                    addBiasAndActivate(y.baseAddress!, rows: rows, bias: bias, activation: .identity)
                }
            }
        }
        return output
    }
}
