/// Which videos of a dataset `train evaluate` scores.
public enum EvaluationSplit: String, CaseIterable, Sendable, Codable {
    /// The dataset's test split as `train` computes it (SplitPlan) with the model's seed.
    case test
    /// Every video: the usual cross-dataset protocol, as none of them was seen in training.
    case all

    /// The default: the test split of the dataset the model was trained on (its other videos trained or
    /// validated it), every video of any other dataset.
    public static func defaultFor(dataset: String, trainedOn: String) -> EvaluationSplit {
        dataset == trainedOn ? .test : .all
    }
}
