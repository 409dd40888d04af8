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

    static func unreadable(_ file: String, _ problem: String, fix: String? = nil) -> CheckpointError {
        // A cut-off download is far more likely than a bad writer, so say so first.
        let fix = fix ?? (problem.contains("truncated") ? "the file is incomplete: fetch it again (`make setup`) or \(resaveFix)" : resaveFix)
        return CheckpointError(file: file, problem: problem, fix: fix)
    }

    static func unpinned(_ file: String, sha256: String, expected: Set<String>) -> CheckpointError {
        CheckpointError(file: file, problem: "its SHA-256 is \(sha256), not the pinned \(expected.sorted().joined(separator: " or "))",
                        fix: "delete it and run `make setup` (`extract backbones` says where each backbone's file comes from), or pass your own checkpoint with --weights")
    }

    static func missingKey(_ file: String, key: String, available: [String]) -> CheckpointError {
        // A wrapper prefix such as DataParallel's "module." is the usual reason a name is off.
        let related = available.filter { $0.hasSuffix("." + key) || key.hasSuffix("." + $0) }
        let hint = related.isEmpty
            ? " (for example: \(available.prefix(3).joined(separator: ", ")))"
            : " (similar: \(related.prefix(3).joined(separator: ", ")))"
        return CheckpointError(file: file, problem: "no tensor named '\(key)' among its \(available.count) tensors\(hint)",
                               fix: "check the parameter name against the network definition that produced this file")
    }
}

/// A problem found while decoding bytes, before the file path is known to the code that found it.
struct CheckpointFormatProblem: Error, CustomStringConvertible {
    let description: String
    /// The fix, where re-saving the file is not it.
    let fix: String?
    init(_ description: String, fix: String? = nil) {
        self.description = description
        self.fix = fix
    }
}
