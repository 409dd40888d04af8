import Shared

/// One layer of a head as the architecture string describes it, before any weights exist.
public enum LayerSpec: Sendable, Equatable, CustomStringConvertible {
    case gru(units: Int, returnSequences: Bool)
    case batchNorm
    case dropout(rate: Float)
    case dense(units: Int, relu: Bool)

    public var description: String {
        switch self {
        case let .gru(units, returnSequences): return "GRU(\(units)\(returnSequences ? ", sequences" : ""))"
        case .batchNorm: return "BatchNorm"
        case let .dropout(rate): return "Dropout(\(rate))"
        case let .dense(units, relu): return "Dense(\(units)\(relu ? ", relu" : ""))"
        }
    }

    /// The layer type that implements this spec: the one place a new layer is registered.
    public var layerType: any HeadLayer.Type {
        switch self {
        case .gru: return GRU.self
        case .batchNorm: return BatchNorm.self
        case .dropout: return Dropout.self
        case .dense: return Dense.self
        }
    }

    /// Widths the architecture string chose (model files bound them before sizing anything).
    var units: [Int] {
        switch self {
        case let .gru(units, _), let .dense(units, _): return [units]
        case .batchNorm, .dropout: return []
        }
    }

    func makeLayer(inputFeatures: Int, random: inout SeededRandom) -> any HeadLayer {
        layerType.init(spec: self, inputFeatures: inputFeatures, random: &random)
    }

    func parameterShapes(inputFeatures: Int) -> [(field: String, shape: [Int])] {
        layerType.parameterShapes(spec: self, inputFeatures: inputFeatures)
    }

    func outputFeatures(inputFeatures: Int) -> Int { layerType.outputFeatures(spec: self, inputFeatures: inputFeatures) }
}
