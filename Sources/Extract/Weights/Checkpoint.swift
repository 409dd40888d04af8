import Foundation
import Shared

/// The tensors of a PyTorch checkpoint written by torch.save, read without Python.
/// Reads both the legacy (torch < 1.6) and the zip (torch >= 1.6) formats; all tensors become float32.
/// The file is untrusted input: every defect becomes a `CheckpointError`, never a crash.
public struct Checkpoint: Sendable {
    /// state_dict: parameter name -> tensor, shaped as in torch (conv weight [out, in/groups, kh, kw]).
    public let tensors: [String: Tensor]
    /// Path of the file the tensors came from, for error messages.
    public let path: String
    /// SHA-256 (hex) of the very bytes the tensors were parsed from.
    public let sha256: String

    public init(tensors: [String: Tensor], path: String, sha256: String = "") {
        self.tensors = tensors
        self.path = path
        self.sha256 = sha256
    }

    /// Reads a checkpoint once into memory, checks the pin on those bytes, then parses the same bytes.
    public static func load(contentsOf url: URL, pin: WeightPin) throws -> Checkpoint {
        let path = url.path
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: url, options: .alwaysMapped))
        } catch {
            throw CheckpointError(file: path, problem: "cannot read the file (\(error.localizedDescription))",
                                  fix: "check the path; weights are fetched by `make setup`")
        }
        var hasher = SHA256()
        hasher.update(bytes)
        let digest = hasher.finalize()
        guard pin.admits(digest) else {
            throw CheckpointError.unpinned(path, sha256: digest, expected: pin.digests)
        }
        return Checkpoint(tensors: try tensors(bytes, path: path), path: path, sha256: digest)
    }

    /// Parses checkpoint bytes, telling the format apart by its first bytes; `path` names them in errors.
    static func tensors(_ bytes: [UInt8], path: String) throws -> [String: Tensor] {
        do {
            if LegacyCheckpoint.matches(bytes) { return try LegacyCheckpoint.read(bytes) }
            if ZipArchive.matches(bytes) { return try ZipCheckpoint.read(bytes) }
        } catch let problem as CheckpointFormatProblem {
            throw CheckpointError.unreadable(path, problem.description, fix: problem.fix)
        }
        let head = bytes.prefix(8).map { String(format: "%02x", $0) }.joined(separator: " ")
        throw CheckpointError.unreadable(path, "not a PyTorch checkpoint: it starts with neither a zip header nor the legacy pickle magic number (first bytes: \(head.isEmpty ? "none, the file is empty" : head))")
    }

    /// The tensor for one parameter name, or an error naming the file and the missing key.
    public func tensor(_ name: String) throws -> Tensor {
        guard let tensor = tensors[name] else {
            throw CheckpointError.missingKey(path, key: name, available: tensors.keys.sorted())
        }
        return tensor
    }
}
