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

    /// The frames of `maps`, all of one height, width and channel count, as one batch in their order.
    init(stacking maps: [FeatureMap]) {
        let first = maps[0]
        precondition(maps.allSatisfy { ($0.height, $0.width, $0.channels) == (first.height, first.width, first.channels) },
                     "stacked feature maps must share height, width and channels")
        if maps.count == 1 { self = first; return }
        var data: [Float] = []
        data.reserveCapacity(maps.reduce(0) { $0 + $1.data.count })
        for map in maps { data.append(contentsOf: map.data) }
        self.init(batch: maps.reduce(0) { $0 + $1.batch }, height: first.height, width: first.width,
                  channels: first.channels, data: data)
    }

    /// Pixels over the whole batch: the row count of the [pixels, channels] matrix a 1x1 convolution sees.
    public var pixelCount: Int { batch * height * width }
}
