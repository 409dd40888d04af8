/// An error a researcher can act on: what went wrong, where (a file or setting), and how to fix it.
/// Command-line tools print `description` as one line on stderr and exit non-zero.
public protocol DiagnosedError: Error, CustomStringConvertible {}

/// A general-purpose diagnosed error for cases that need no type of their own.
public struct PipelineError: DiagnosedError {
    public let description: String
    public init(_ description: String) { self.description = description }
}
