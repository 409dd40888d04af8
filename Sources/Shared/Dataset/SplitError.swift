/// Inputs to `VideoSplitter` that cannot be split, naming what is wrong and how to fix it.
public enum SplitError: DiagnosedError {
    case lengthMismatch(paths: Int, labels: Int, groups: Int, fixed: Int)
    case badLabel(path: String, label: Int8)
    case badFixedSplit(path: String, split: String)
    case badFractions([Double])

    public var description: String {
        switch self {
        case .lengthMismatch(let paths, let labels, let groups, let fixed):
            return "split inputs differ in length (paths \(paths), labels \(labels), groups \(groups), fixed \(fixed)): pass one entry per video in each"
        case .badLabel(let path, let label):
            return "\(path): label \(label) is not 0 (real) or 1 (fake): fix the dataset labels"
        case .badFixedSplit(let path, let split):
            return "\(path): fixed split '\(split)' is not train, val or test: fix labels.csv's split column"
        case .badFractions(let fractions):
            return "split fractions \(fractions) must be three non-negative numbers (train, val, test) with a positive sum, e.g. 0.7, 0.15, 0.15"
        }
    }
}
