import Shared

/// A model file that is damaged, hostile or made for another backbone: which file, which attribute or
/// dataset, what is wrong.
public struct ModelFileError: DiagnosedError {
    public let file: String
    public let problem: String

    public var description: String {
        "\(file) is not a usable model file: \(problem). Use the model.h5 that `train` wrote, or retrain it."
    }
}
