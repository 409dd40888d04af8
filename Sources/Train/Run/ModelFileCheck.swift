import Foundation
import Extract
import Shared

/// Every rule a model file must meet before a head is built from it, in one place (docs/model-format.md,
/// "What readers check"): attribute ranges, the architecture's size computed without allocating, and each
/// stored array's rank, extent, storage and values checked before it is used.
enum ModelFileCheck {
    static let inputDimRange = 1...16_384
    static let inputSizeRange = 1...8192
    /// Units per layer and weights per head beyond any head worth training (the presets have < 1 million).
    static let unitLimit = 65_536
    static let parameterLimit = 1 << 26

    static func checkAttributes(inputDim: Int, frames: Int, inputSize: Int, threshold: Double, file: String) throws {
        let ranges = [("input_dim", inputDim, inputDimRange), ("frames", frames, ExtractionRequest.frameRange),
                      ("input_size", inputSize, inputSizeRange)]
        for (name, value, range) in ranges where !range.contains(value) {
            throw ModelFileError(file: file, problem: "attribute \(name) is \(value), outside \(range.lowerBound)...\(range.upperBound)")
        }
        guard threshold.isFinite, (0...1).contains(threshold) else {
            throw ModelFileError(file: file, problem: "attribute threshold is \(threshold), not a probability in 0...1")
        }
    }

    /// The name and shape of every weight `architecture` has on `inputDim` inputs, as `Head.namedParameters`
    /// names them, computed from the layer specs alone so an absurd architecture is refused before allocation.
    static func parameterShapes(architecture: String, inputDim: Int, file: String) throws -> [(name: String, shape: [Int])] {
        var shapes: [(name: String, shape: [Int])] = []
        var features = inputDim
        for (index, spec) in try ArchitectureGrammar.parse(architecture).enumerated() {
            for units in spec.units { try checkUnits(units, architecture: architecture, file: file) }
            shapes += spec.parameterShapes(inputFeatures: features).map { ("\(index)_\(spec.layerType.kindName)/\($0.field)", $0.shape) }
            features = spec.outputFeatures(inputFeatures: features)
        }
        var total = 0
        for (_, shape) in shapes {
            total += HDF5Extent.elementCount(shape) ?? Int.max / 2
            guard total <= parameterLimit else {
                throw ModelFileError(file: file, problem: "architecture '\(architecture)' on \(inputDim) inputs has more than \(parameterLimit) weights")
            }
        }
        return shapes
    }

    private static func checkUnits(_ units: Int, architecture: String, file: String) throws {
        guard units <= unitLimit else {
            throw ModelFileError(file: file, problem: "architecture '\(architecture)' has a layer of \(units) units, at most \(unitLimit)")
        }
    }

    /// A float array of exactly `shape`, stored in full, every value finite (and positive when asked).
    static func readArray(_ dataset: HDF5Dataset, name: String, shape: [Int], positive: Bool = false, file: String) throws -> [Float] {
        let stored = try dataset.shape()
        guard stored == shape else {
            let found = stored.isEmpty ? "is a scalar (rank 0)" : "has shape \(stored)"
            throw ModelFileError(file: file, problem: "\(name) \(found), expected \(shape)")
        }
        let type = try dataset.elementType()
        guard type.kind == .float else {
            throw ModelFileError(file: file, problem: "\(name) holds \(type) elements, expected float32")
        }
        guard try dataset.isFullyStored() else {
            throw ModelFileError(file: file, problem: "\(name) claims shape \(stored) but the file does not store that many values")
        }
        let values = try dataset.read(as: Float.self)
        if let bad = values.firstIndex(where: { !$0.isFinite || (positive && $0 <= 0) }) {
            throw ModelFileError(file: file, problem: "\(name) holds \(values[bad]) at element \(bad); "
                                 + (positive ? "values must be finite and positive" : "values must be finite"))
        }
        return values
    }

    /// The standardizer's mean and std, one per input feature.
    static func readStandardizer(_ file: HDF5File, inputDim: Int) throws -> Standardizer {
        let path = file.url.path
        guard try file.contains("standardizer"), try file.group("standardizer").contains("mean"),
              try file.group("standardizer").contains("std") else {
            throw ModelFileError(file: path, problem: "standardizer/mean or standardizer/std is missing although attribute standardized is 1")
        }
        return Standardizer(
            mean: try readArray(file.dataset("standardizer/mean"), name: "standardizer/mean", shape: [inputDim], file: path),
            std: try readArray(file.dataset("standardizer/std"), name: "standardizer/std", shape: [inputDim], positive: true, file: path))
    }
}

extension ModelFile {
    /// Throws unless the head reads what `kind` produces at the input size it was trained with.
    public func checkCompatible(with kind: BackboneKind, file: String) throws {
        guard head.inputDim == kind.embeddingDimension else {
            throw ModelFileError(file: file, problem: "attribute input_dim is \(head.inputDim), but \(kind.rawValue) embeddings have \(kind.embeddingDimension) features")
        }
        guard inputSize == kind.inputSize else {
            throw ModelFileError(file: file, problem: "attribute input_size is \(inputSize), but \(kind.rawValue) takes \(kind.inputSize)-pixel inputs")
        }
    }
}
