import Shared

/// An architecture string that does not parse; the description carries the whole grammar.
public struct ArchitectureError: DiagnosedError, Equatable {
    public let architecture: String
    public let problem: String

    public var description: String {
        "architecture '\(architecture)' is not valid: \(problem). Fix the arch setting (e.g. --arch or pipeline.yaml). "
            + "Grammar:\n\(ArchitectureGrammar.summary)"
    }
}
