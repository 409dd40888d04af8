import Extract
import Foundation

/// The backbone built from models/<weight file>, as `extract` builds it.
enum BackboneLoader {
    static func load(_ kind: BackboneKind, modelsDirectory: URL) throws -> any Backbone {
        let url = modelsDirectory.appendingPathComponent(kind.weightFileName)
        let checkpoint = try Checkpoint.load(contentsOf: url)
        return try kind.make(weights: checkpoint.tensors, source: checkpoint.path)
    }

    static func kind(named name: String) throws -> BackboneKind {
        guard let kind = BackboneKind(rawValue: name) else {
            throw BenchUsageError(problem: "unknown backbone '\(name)': \(BackboneKind.allCases.map(\.rawValue))")
        }
        return kind
    }
}
