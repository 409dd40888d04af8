/// A batch of feature maps in NHWC layout: `data[((n * height + y) * width + x) * channels + c]`.
/// Channels-last keeps 1x1 convolutions a single GEMM and lets depthwise kernels vectorise over channels.
public struct FeatureMap: Sendable, Equatable {
    public let batch: Int
    public let height: Int
    public let width: Int
    public let channels: Int
    public var data: [Float]

    public init(batch: Int, height: Int, width: Int, channels: Int, data: [Float]) {
        precondition(data.count == batch * height * width * channels,
                     "FeatureMap \(batch)x\(height)x\(width)x\(channels) needs \(batch * height * width * channels) values, got \(data.count)")
        self.batch = batch
        self.height = height
        self.width = width
        self.channels = channels
        self.data = data
    }

    /// Storage the caller promises to overwrite completely (skips zero-filling large buffers).
    public init(uninitializedBatch batch: Int, height: Int, width: Int, channels: Int) {
        let count = batch * height * width * channels
        self.init(batch: batch, height: height, width: width, channels: channels,
                  data: [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count })
    }

    /// Pixels over the whole batch: the row count of the [pixels, channels] matrix a 1x1 convolution sees.
    public var pixelCount: Int { batch * height * width }
}
