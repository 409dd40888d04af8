import Extract
import Foundation

/// The backbone as `extract` builds it: from models/<published weight file>, or from the file `--weights` names
/// (any checkpoint in the published key layout, such as bench/export_backbones.py's seeded random ones, so a
/// backbone whose published weights are not on this machine can still be timed and checked against ONNX Runtime).
enum BackboneLoader {
    static func load(_ kind: BackboneKind, modelsDirectory: URL, weights: URL? = nil) throws -> any Backbone {
        guard let weights else {
            return try kind.load(weightsAt: kind.publishedWeights(in: modelsDirectory)).network
        }
        return try kind.load(weightsAt: weights, acceptingUnpublished: true).network
    }

    static func kind(named name: String) throws -> BackboneKind {
        guard let kind = BackboneKind(rawValue: name) else {
            throw BenchUsageError(problem: "unknown backbone '\(name)': \(BackboneKind.allCases.map(\.rawValue))")
        }
        return kind
    }
}
