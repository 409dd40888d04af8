import Shared

/// The in-memory input of training: embedding sequences of videos with a per-frame valid mask and labels.
/// Fill it from arrays (e.g. what the HDF5 cache reader returns).
public struct TrainingData: Sendable, Equatable {
    public var sequences: Tensor   // [videos, frames, dim]
    public var mask: Tensor        // [videos, frames], 1 = real frame, 0 = padding
    public var labels: [Int]       // [videos], 1 = fake, 0 = real
    public var videoIDs: [String]  // [videos], for reports; "0", "1", ... when not given

    public init(sequences: Tensor, mask: Tensor, labels: [Int], videoIDs: [String]? = nil) throws {
        guard sequences.rank == 3 else {
            throw DataError(problem: "sequences have shape \(sequences.shape); expected [videos, frames, dim]")
        }
        let videos = sequences.shape[0], frames = sequences.shape[1]
        guard mask.shape == [videos, frames] else {
            throw DataError(problem: "mask has shape \(mask.shape); expected [\(videos), \(frames)]")
        }
        guard labels.count == videos, labels.allSatisfy({ $0 == 0 || $0 == 1 }) else {
            throw DataError(problem: "need \(videos) labels, each 0 (real) or 1 (fake)")
        }
        guard mask.data.allSatisfy({ $0 == 0 || $0 == 1 }) else {
            throw DataError(problem: "mask values must be 0 or 1")
        }
        if let ids = videoIDs, ids.count != videos {
            throw DataError(problem: "need \(videos) video IDs, got \(ids.count)")
        }
        self.sequences = sequences
        self.mask = mask
        self.labels = labels
        self.videoIDs = videoIDs ?? (0..<videos).map(String.init)
    }

    /// Mask of all ones: every frame valid.
    public init(sequences: Tensor, labels: [Int], videoIDs: [String]? = nil) throws {
        let shape = sequences.rank == 3 ? [sequences.shape[0], sequences.shape[1]] : [0, 0]
        try self.init(sequences: sequences, mask: Tensor(shape: shape, data: [Float](repeating: 1, count: shape[0] * shape[1])),
                      labels: labels, videoIDs: videoIDs)
    }

    public var videoCount: Int { sequences.shape[0] }
    public var frameCount: Int { sequences.shape[1] }
    public var featureCount: Int { sequences.shape[2] }

    /// The videos at `indices`, in that order.
    public func subset(_ indices: [Int]) -> TrainingData {
        let (values, masks) = gather(indices)
        // Shapes and values come from valid data, so validation cannot fail.
        return try! TrainingData(sequences: Tensor(shape: [indices.count, frameCount, featureCount], data: values),
                                 mask: Tensor(shape: [indices.count, frameCount], data: masks),
                                 labels: indices.map { labels[$0] }, videoIDs: indices.map { videoIDs[$0] })
    }

    /// The sequences and masks of the videos at `indices`, in that order, as flat arrays.
    private func gather(_ indices: [Int]) -> (values: [Float], masks: [Float]) {
        let stride = frameCount * featureCount
        var values = [Float](), masks = [Float]()
        values.reserveCapacity(indices.count * stride)
        masks.reserveCapacity(indices.count * frameCount)
        for i in indices {
            values += sequences.data[(i * stride)..<((i + 1) * stride)]
            masks += mask.data[(i * frameCount)..<((i + 1) * frameCount)]
        }
        return (values, masks)
    }

    /// A minibatch as layer input: [batch, frames, dim] with its mask.
    public func batch(_ indices: [Int]) -> Activations {
        if indices.count == videoCount, indices.elementsEqual(0..<videoCount) {
            // The whole set in order (a small validation set every epoch): share the storage, copy nothing.
            return Activations(values: sequences.data, mask: mask.data, batch: videoCount, steps: frameCount,
                               features: featureCount)
        }
        let (values, masks) = gather(indices)
        return Activations(values: values, mask: masks, batch: indices.count, steps: frameCount, features: featureCount)
    }
}

/// Training data that is inconsistent (shapes, labels, mask values).
public struct DataError: DiagnosedError {
    public let problem: String
    public var description: String {
        "training data is inconsistent: \(problem). Check the embedding cache and the labels it was built from."
    }
}
