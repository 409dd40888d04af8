import Shared

extension SampledFrames {
    /// [slots * dim] embeddings, slot-major, as the cache stores them. Padded slots of short videos stay
    /// zero and cost no CNN time; valid frames go through the backbone `batchSize` at a time.
    public func embeddings(with backbone: any Backbone, batchSize: Int) -> [Float] {
        let dim = backbone.kind.embeddingDimension
        var embeddings = [Float](repeating: 0, count: images.count * dim)
        let slots = valid.indices.filter { valid[$0] }
        for batchStart in stride(from: 0, to: slots.count, by: max(1, batchSize)) {
            let batch = Array(slots[batchStart..<min(batchStart + max(1, batchSize), slots.count)])
            let output = backbone.embed(batch.map { images[$0] })   // [batch, dim]
            for (row, slot) in batch.enumerated() {
                embeddings.replaceSubrange(slot * dim..<(slot + 1) * dim, with: output.data[row * dim..<(row + 1) * dim])
            }
        }
        return embeddings
    }
}
