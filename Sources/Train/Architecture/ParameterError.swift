import Shared

/// Stored parameters that do not fit the architecture they are loaded for.
public struct ParameterError: DiagnosedError {
    public let problem: String
    public var description: String {
        "model parameters do not fit: \(problem). Rebuild the head with the architecture string the model file was trained with."
    }
}
