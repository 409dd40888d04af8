import Foundation
import Shared

/// Frames per forward pass inside one worker. Measured at batch 16 on 2 cores: 1-4 frames run alike,
/// 8 frames run at less than half the speed (the expanded 112x112x96 activations fall out of cache).
let framesPerPass = framesPerPassOverride ?? 2

/// `DEEPFAKE_FRAMES_PER_PASS=n` replaces it (`bench backbone` experiments: 8 frames a pass ran ResNet-50 and
/// Xception 1.2-1.4x faster than 2 at batch 16 with the 2 cores loaded by other work, alike on a quieter machine).
let framesPerPassOverride: Int? = {
    guard let text = ProcessInfo.processInfo.environment["DEEPFAKE_FRAMES_PER_PASS"], let value = Int(text), value > 0
    else { return nil }
    return value
}()

/// Embeds frames [N] -> [N, d], spreading them over the cores: each worker runs whole frames on one core
/// (frame-level parallelism beats splitting each small layer across threads).
func embedInBatches(_ images: [RGBImage], inputSize: Int, dimension: Int, _ forward: ([RGBImage]) -> Tensor) -> Tensor {
    for image in images {
        precondition(image.width == inputSize && image.height == inputSize,
                     "backbone input must be \(inputSize)x\(inputSize), got \(image.width)x\(image.height)")
    }
    let passes = stride(from: 0, to: images.count, by: framesPerPass).map { start in
        start..<min(start + framesPerPass, images.count)
    }
    if passes.count <= 1 || availableCores <= 1 {
        return stack(passes.map { forward(Array(images[$0])) }, rows: images.count, dimension: dimension)
    }
    var results = [Tensor?](repeating: nil, count: passes.count)
    results.withUnsafeMutableBufferPointer { results in
        parallelFor(count: passes.count) { pass in
            results[pass] = forward(Array(images[passes[pass]]))
        }
    }
    return stack(results.map { $0! }, rows: images.count, dimension: dimension)
}

/// Concatenates [n_i, d] blocks into [sum n_i, d].
private func stack(_ blocks: [Tensor], rows: Int, dimension: Int) -> Tensor {
    var data: [Float] = []
    data.reserveCapacity(rows * dimension)
    for block in blocks { data.append(contentsOf: block.data) }
    return Tensor(shape: [rows, dimension], data: data)
}
