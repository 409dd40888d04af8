import Foundation
import Shared

/// The tensors of a PyTorch checkpoint written by torch.save, read without Python.
/// Reads both the legacy (torch < 1.6) and the zip (torch >= 1.6) formats; all tensors become float32.
public struct Checkpoint: Sendable {
    /// state_dict: parameter name -> tensor, shaped as in torch (conv weight [out, in/groups, kh, kw]).
    public let tensors: [String: Tensor]
    /// Path of the file the tensors came from, for error messages.
    public let path: String

    public init(tensors: [String: Tensor], path: String) {
        self.tensors = tensors
        self.path = path
    }

    /// Reads a checkpoint, telling the format apart by its first bytes.
    public static func load(contentsOf url: URL) throws -> Checkpoint {
        let path = url.path
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: url, options: .alwaysMapped))
        } catch {
            throw CheckpointError(file: path, problem: "cannot read the file (\(error.localizedDescription))",
                                  fix: "check the path; weights are fetched by `make setup`")
        }
        do {
            if LegacyCheckpoint.matches(bytes) {
                return Checkpoint(tensors: try LegacyCheckpoint.read(bytes), path: path)
            }
            if ZipArchive.matches(bytes) {
                return Checkpoint(tensors: try ZipCheckpoint.read(bytes), path: path)
            }
        } catch let problem as CheckpointFormatProblem {
            throw CheckpointError.unreadable(path, problem.description)
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
