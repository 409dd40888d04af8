/// The epoch loop: shuffled minibatches, forward, class-weighted loss, backward, Adam; then validation,
/// schedule and early stopping. Data should already be standardized. Typical use:
/// ```swift
/// let data = try TrainingData(sequences: sequences, mask: mask, labels: labels, videoIDs: ids)
/// let prepared = PreparedSplits(data: data, seed: 42)
/// let result = try Trainer.train(training: prepared.train, validation: prepared.validation,
///                                configuration: TrainingConfiguration(architecture: "gru2-fc2", seed: 42))
/// let test = Evaluation(head: result.bestHead, data: prepared.test)   // loss, accuracy, auc, confusion
/// let tensors = result.bestHead.namedParameters                         // for the model file
/// ```
public enum Trainer {
    public static func train(training: TrainingData, validation: TrainingData,
                             configuration c: TrainingConfiguration) throws -> TrainingResult {
        try validate(c)
        guard training.videoCount > 0, validation.videoCount > 0 else {
            throw DataError(problem: "training and validation sets must not be empty")
        }
        guard training.featureCount == validation.featureCount, training.frameCount == validation.frameCount else {
            throw DataError(problem: "training and validation sequences differ in frames or dim")
        }
        var initRandom = SeededRandom(seed: c.seed, stream: RandomStream.initialization)
        var shuffleRandom = SeededRandom(seed: c.seed, stream: RandomStream.shuffle)
        var dropoutRandom = SeededRandom(seed: c.seed, stream: RandomStream.dropout)
        var head = try Head(architecture: c.architecture, inputDim: training.featureCount, random: &initRandom)
        var optimizer = Adam(learningRate: c.learningRate, weightDecay: c.weightDecay)
        var scheduler = LearningRateScheduler(schedule: c.schedule, initial: c.learningRate)
        var stopping = EarlyStopping(patience: c.earlyStoppingPatience ?? Int.max)
        let weights = c.balanceClasses ? ClassWeights.balanced(labels: training.labels) : .uniform
        var history: [EpochRecord] = []
        var best = head
        var stoppedEarly = false

        for epoch in 0..<c.epochs {
            optimizer.learningRate = scheduler.rate(forEpoch: epoch)
            var lossSum = 0.0
            var correct = 0
            for indices in Minibatches.epoch(count: training.videoCount, batchSize: c.batchSize, random: &shuffleRandom) {
                let input = training.batch(indices)
                let labels = indices.map { Float(training.labels[$0]) }
                let sampleWeights = indices.map { weights.weight(label: training.labels[$0]) }
                let (logits, caches) = head.forward(input, mode: .training, random: &dropoutRandom)
                lossSum += SigmoidCrossEntropy.forward(logits: logits, labels: labels, weights: sampleWeights)
                    * Double(indices.count)
                for (z, y) in zip(logits, labels) where (z > 0) == (y == 1) { correct += 1 }  // p > 0.5 <=> z > 0
                let dLogits = SigmoidCrossEntropy.backward(logits: logits, labels: labels, weights: sampleWeights)
                optimizer.apply(head.backward(caches, logitGradient: dLogits), to: &head)
            }
            let evaluation = Evaluation(head: head, data: validation)
            history.append(EpochRecord(epoch: epoch, learningRate: optimizer.learningRate,
                                       trainLoss: lossSum / Double(training.videoCount),
                                       trainAccuracy: Double(correct) / Double(training.videoCount),
                                       validationLoss: evaluation.loss, validationAccuracy: evaluation.accuracy,
                                       validationAUC: evaluation.auc))
            scheduler.observe(validationLoss: Float(evaluation.loss))
            if stopping.observe(epoch: epoch, validationLoss: Float(evaluation.loss)) { best = head }
            if stopping.shouldStop && epoch + 1 < c.epochs {
                stoppedEarly = true
                break
            }
        }
        return TrainingResult(history: history, bestEpoch: stopping.bestEpoch, bestHead: best, stoppedEarly: stoppedEarly)
    }

    static func validate(_ c: TrainingConfiguration) throws {
        func fail(_ setting: String, _ value: Any, _ requirement: String) -> TrainingConfigurationError {
            TrainingConfigurationError(setting: setting, value: "\(value)", requirement: requirement)
        }
        guard c.epochs >= 1 else { throw fail("epochs", c.epochs, "at least 1") }
        guard c.batchSize >= 1 else { throw fail("batch size", c.batchSize, "at least 1") }
        guard c.learningRate > 0, c.learningRate.isFinite else { throw fail("learning rate", c.learningRate, "positive") }
        guard c.weightDecay >= 0 else { throw fail("weight decay", c.weightDecay, "zero or positive") }
        if let patience = c.earlyStoppingPatience, patience < 1 {
            throw fail("early stopping patience", patience, "at least 1 (or unset to train all epochs)")
        }
        switch c.schedule {
        case .constant: break
        case let .stepDecay(factor, every):
            guard factor > 0, factor <= 1 else { throw fail("step decay factor", factor, "in (0, 1]") }
            guard every >= 1 else { throw fail("step decay interval", every, "at least 1 epoch") }
        case let .reduceOnPlateau(factor, patience, _, cooldown, minimum):
            guard factor > 0, factor < 1 else { throw fail("plateau factor", factor, "in (0, 1)") }
            guard patience >= 1, cooldown >= 0, minimum >= 0 else {
                throw fail("plateau patience/cooldown/minimum", "\(patience)/\(cooldown)/\(minimum)", "patience >= 1, others >= 0")
            }
        }
    }
}
