import Shared

/// Mean over all spatial positions: NHWC [N, H, W, C] -> [N, C].
public func globalAveragePool(_ input: FeatureMap) -> Tensor {
    let pixels = input.height * input.width
    var pooled = [Float](repeating: 0, count: input.batch * input.channels)
    input.data.withUnsafeBufferPointer { x in
        pooled.withUnsafeMutableBufferPointer { out in
            for n in 0..<input.batch {
                let sum = out.baseAddress! + n * input.channels
                for p in 0..<pixels {
                    let pixel = x.baseAddress! + (n * pixels + p) * input.channels
                    for c in 0..<input.channels { sum[c] += pixel[c] }
                }
                let scale = 1 / Float(pixels)
                for c in 0..<input.channels { sum[c] *= scale }
            }
        }
    }
    return Tensor(shape: [input.batch, input.channels], data: pooled)
}
