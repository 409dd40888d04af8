import Foundation
import Testing
import Shared
@testable import Train

/// A whole head at inference (GRU with mask -> BN on sequences -> GRU last state -> dropout -> FC -> logit)
/// against the independent numpy forward in scripts/reference/head_reference.py, loaded through
/// `Head(architecture:inputDim:parameters:)` as a model file would be.
@Suite struct HeadReferenceTests {
    struct StoredTensor: Decodable { let shape: [Int]; let data: [Float] }
    struct Fixture: Decodable {
        let architecture: String
        let input_dim: Int
        let parameters: [String: StoredTensor]
        let inputs: [Float]
        let mask: [Float]
        let batch: Int
        let steps: Int
        let probabilities: [Double]
    }

    static func fixture() throws -> Fixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/head_reference.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    @Test func inferenceMatchesNumpy() throws {
        let f = try Self.fixture()
        let parameters = f.parameters.mapValues { Tensor(shape: $0.shape, data: $0.data) }
        let head = try Head(architecture: f.architecture, inputDim: f.input_dim, parameters: parameters)
        let input = Activations(values: f.inputs, mask: f.mask, batch: f.batch, steps: f.steps, features: f.input_dim)
        let p = head.predict(input)
        #expect(p.count == f.probabilities.count)
        for (a, b) in zip(p, f.probabilities) { #expect(abs(Double(a) - b) < 1e-5, "\(a) vs \(b)") }
    }
}
