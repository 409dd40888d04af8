/// The usual preparation in one step: the seeded stratified 70/15/15 split of `data`, a standardizer fitted
/// on the training part only, and all three parts standardized with it. Keep `standardizer` with the model:
/// new videos must be standardized with the same statistics before `Head.predict`.
public struct PreparedSplits: Sendable {
    public let split: DatasetSplit
    public let standardizer: Standardizer
    public let train: TrainingData
    public let validation: TrainingData
    public let test: TrainingData

    public init(data: TrainingData, seed: UInt64) {
        split = DatasetSplit(labels: data.labels, seed: seed)
        let rawTrain = data.subset(split.train)
        standardizer = Standardizer(fitting: rawTrain)
        train = standardizer.apply(to: rawTrain)
        validation = standardizer.apply(to: data.subset(split.validation))
        test = standardizer.apply(to: data.subset(split.test))
    }
}
