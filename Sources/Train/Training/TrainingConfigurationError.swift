import Shared

/// A training setting outside its valid range.
public struct TrainingConfigurationError: DiagnosedError {
    public let setting: String
    public let value: String
    public let requirement: String

    public var description: String {
        "training setting \(setting) = \(value) is invalid: it must be \(requirement). Fix it in pipeline.yaml or on the command line."
    }
}
