import Shared

/// Why a PyTorch checkpoint could not be read: names the file, what was wrong, and what to do about it.
public struct CheckpointError: DiagnosedError, Equatable {
    /// Path of the checkpoint file.
    public let file: String
    /// What went wrong, in the reader's words.
    public let problem: String
    /// What the researcher can do about it.
    public let fix: String

    public init(file: String, problem: String, fix: String) {
        self.file = file
        self.problem = problem
        self.fix = fix
    }

    public var description: String { "checkpoint \(file): \(problem); \(fix)" }

    /// The fix for every file this reader cannot parse: a plain state_dict saved by torch.save.
    static let resaveFix = "re-save it with torch.save(model.state_dict(), path)"

    static func unreadable(_ file: String, _ problem: String) -> CheckpointError {
        CheckpointError(file: file, problem: problem, fix: resaveFix)
    }

    static func missingKey(_ file: String, key: String, available: [String]) -> CheckpointError {
        let near = available.filter { $0.hasSuffix(key.split(separator: ".").last.map(String.init) ?? key) }
        let hint = near.isEmpty ? "" : " (keys with the same last component: \(near.prefix(5).joined(separator: ", ")))"
        return CheckpointError(file: file, problem: "no tensor named '\(key)' among \(available.count) tensors\(hint)",
                               fix: "check the parameter name against the network definition that produced this file")
    }
}

/// A problem found while decoding bytes, before the file path is known to the code that found it.
struct CheckpointFormatProblem: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
