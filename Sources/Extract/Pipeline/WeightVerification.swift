import Foundation
import Shared

extension BackboneKind {
    /// Checks that the weight file exists and is the published one; returns its SHA-256 for the record.
    public func verifyWeights(at url: URL) throws -> String {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw PipelineError("weights for \(rawValue) are missing: \(url.path) not found; run `make setup` to fetch them")
        }
        let sha = try SHA256.hexDigest(ofFile: url)
        guard sha == weightSHA256 else {
            throw PipelineError("\(url.path) has SHA-256 \(sha), not the expected \(weightSHA256): delete it and run `make setup` to fetch the right file")
        }
        return sha
    }
}
