import Extract
import Foundation

/// The backbone built from models/<weight file>, as `extract` builds it.
enum BackboneLoader {
    static func load(_ kind: BackboneKind, modelsDirectory: URL) throws -> any Backbone {
        try kind.load(weightsAt: kind.publishedWeights(in: modelsDirectory)).network
    }

    static func kind(named name: String) throws -> BackboneKind {
        guard let kind = BackboneKind(rawValue: name) else {
            throw BenchUsageError(problem: "unknown backbone '\(name)': \(BackboneKind.allCases.map(\.rawValue))")
        }
        return kind
    }
}
