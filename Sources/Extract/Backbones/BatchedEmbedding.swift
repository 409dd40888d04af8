import Foundation
import CKernels
import Shared

/// `DEEPFAKE_FRAMES_PER_PASS=n` replaces every network's frames per pass (`bench backbone` experiments).
let framesPerPassOverride: Int? = {
    guard let text = ProcessInfo.processInfo.environment["DEEPFAKE_FRAMES_PER_PASS"], let value = Int(text), value > 0
    else { return nil }
    return value
}()

/// Embeds frames [N] -> [N, d], spreading them over the cores: each worker runs whole frames on one core
/// (frame-level parallelism beats splitting each small layer across threads), `framesPerPass` frames a forward
/// pass. One frame suits networks whose large maps dominate (their activations then stay in cache: one frame ran
/// EfficientNet-B0 and Xception 5-15% faster than two at batch 16 on 2 Zen 4 cores); a network whose last
/// layers read megabytes of weights for a few pixels batches those layers (`embedInStages`).
func embedInBatches(_ images: [RGBImage], inputSize: Int, dimension: Int, framesPerPass: Int = 1,
                    _ forward: ([RGBImage]) -> Tensor) -> Tensor {
    _ = activationHeap
    let framesPerPass = framesPerPassOverride ?? framesPerPass
    checkSizes(images, inputSize: inputSize)
    let passes = consecutiveRanges(images.count, length: framesPerPass)
    return stack(eachInParallel(passes.count) { forward(Array(images[passes[$0]])) }, rows: images.count,
                 dimension: dimension)
}

/// Embeds frames [N] -> [N, d] in two parallel stages, for a network whose early layers suit one frame at a time
/// and whose late layers suit passes of `framesPerPass` stacked frames (ResNet50.early and .late). Each stage hands out
/// its own work items, so on a machine whose cores run at different speeds (a busy neighbour on a shared host)
/// the faster core takes more frames, not just more passes. Frames go through in chunks of a few passes a core,
/// so the early maps held between the stages stay bounded whatever the batch.
func embedInStages(_ images: [RGBImage], inputSize: Int, dimension: Int, framesPerPass: Int,
                   early: (RGBImage) -> FeatureMap, late: (FeatureMap) -> Tensor) -> Tensor {
    _ = activationHeap
    let framesPerPass = framesPerPassOverride ?? framesPerPass
    checkSizes(images, inputSize: inputSize)
    var blocks: [Tensor] = []
    for chunk in consecutiveRanges(images.count, length: framesPerPass * availableCores * 2) {
        let frames = Array(images[chunk])
        let maps = eachInParallel(frames.count) { early(frames[$0]) }
        let passes = consecutiveRanges(frames.count, length: framesPerPass)
        blocks += eachInParallel(passes.count) { late(FeatureMap(stacking: passes[$0].map { maps[$0] })) }
    }
    return stack(blocks, rows: images.count, dimension: dimension)
}

/// 0..<count cut into consecutive ranges of `length`, the last one shorter.
private func consecutiveRanges(_ count: Int, length: Int) -> [Range<Int>] {
    stride(from: 0, to: count, by: length).map { $0..<min($0 + length, count) }
}

/// body(0..<count), one core an index; a single index runs on the caller with every core, so its layers split.
private func eachInParallel<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
    if count == 1 { return [body(0)] }
    var results = [T?](repeating: nil, count: count)
    results.withUnsafeMutableBufferPointer { results in
        parallelFor(count: count) { results[$0] = body($0) }
    }
    return results.map { $0! }
}

private func checkSizes(_ images: [RGBImage], inputSize: Int) {
    for image in images {
        precondition(image.width == inputSize && image.height == inputSize,
                     "backbone input must be \(inputSize)x\(inputSize), got \(image.width)x\(image.height)")
    }
}

/// Activations are megabytes each and freed a layer later. glibc serves blocks that large with fresh mmap pages
/// (a page fault per 4 KiB on first write, 4-10% of the CPU time of ResNet-50 and Xception on Zen 4) and trims
/// the heap back to the OS; keeping freed blocks in the heap lets the next layer reuse them warm.
private let activationHeap: Void = dfh_keep_freed_blocks()

/// Concatenates [n_i, d] blocks into [sum n_i, d].
private func stack(_ blocks: [Tensor], rows: Int, dimension: Int) -> Tensor {
    var data: [Float] = []
    data.reserveCapacity(rows * dimension)
    for block in blocks { data.append(contentsOf: block.data) }
    return Tensor(shape: [rows, dimension], data: data)
}
