import Shared

/// Frames per forward pass: bounds activation memory (the stem's im2col alone is ~1.3 MB per frame).
let maximumForwardBatch = 16

/// Runs `forward` on chunks of at most `maximumForwardBatch` images and stacks the [n, d] results.
func embedInBatches(_ images: [RGBImage], inputSize: Int, _ forward: ([RGBImage]) -> Tensor) -> Tensor {
    for image in images {
        precondition(image.width == inputSize && image.height == inputSize,
                     "backbone input must be \(inputSize)x\(inputSize), got \(image.width)x\(image.height)")
    }
    var rows: [Float] = []
    var dimension = 0
    var start = 0
    while start < images.count {
        let end = min(start + maximumForwardBatch, images.count)
        let chunk = forward(Array(images[start..<end]))
        dimension = chunk.shape[1]
        rows.append(contentsOf: chunk.data)
        start = end
    }
    return Tensor(shape: [images.count, dimension], data: rows)
}
