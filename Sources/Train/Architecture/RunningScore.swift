/// The head's score as the video unfolds: after each step, the probability it gives when it has read only
/// the frames up to that step. Every later step is masked out, which for a recurrent head is the final
/// dense layers applied to its state at that step and for a pooling head is the pool over the prefix.
extension Head {
    /// One sequence [1, steps, inputDim] -> its running probability after each step; nil until the first
    /// valid frame (there is nothing read yet). Each prefix is scored alone (batch 1), so the value at the
    /// last valid frame is computed from the very input `predict` gets and equals the video's score exactly.
    public func runningScores(_ input: Activations) -> [Float?] {
        precondition(input.batch == 1, "running scores are per video: batch 1, got \(input.batch)")
        var scores: [Float?] = []
        scores.reserveCapacity(input.steps)
        var seenValid = false
        for step in 0..<input.steps {
            seenValid = seenValid || input.mask[step] > 0
            guard seenValid else { scores.append(nil); continue }
            var mask = input.mask
            for later in (step + 1)..<input.steps { mask[later] = 0 }
            let prefix = Activations(values: input.values, mask: mask, batch: 1, steps: input.steps, features: input.features)
            scores.append(predict(prefix)[0])
        }
        return scores
    }
}
