import Shared

/// One layer of a head as the architecture string describes it, before any weights exist.
public enum LayerSpec: Sendable, Equatable, CustomStringConvertible {
    case gru(units: Int, returnSequences: Bool)
    case batchNorm
    case dropout(rate: Float)
    case dense(units: Int, relu: Bool)
    case lstm(units: Int, returnSequences: Bool)
    /// Keras `Bidirectional(cell, merge_mode="concat")`: `units` per direction, 2 x units out.
    case bidirectional(RecurrentCell, units: Int, returnSequences: Bool)
    case averagePooling
    case attentionPooling(units: Int)

    /// The recurrent layers `bidirectional` can wrap.
    public enum RecurrentCell: String, Sendable, Equatable { case gru = "GRU", lstm = "LSTM" }

    public var description: String {
        switch self {
        case let .gru(units, returnSequences): return "GRU(\(units)\(returnSequences ? ", sequences" : ""))"
        case .batchNorm: return "BatchNorm"
        case let .dropout(rate): return "Dropout(\(rate))"
        case let .dense(units, relu): return "Dense(\(units)\(relu ? ", relu" : ""))"
        case let .lstm(units, returnSequences): return "LSTM(\(units)\(returnSequences ? ", sequences" : ""))"
        case let .bidirectional(cell, units, returnSequences):
            return "Bidirectional(\(cell.rawValue)(\(units)), concat\(returnSequences ? ", sequences" : ""))"
        case .averagePooling: return "AveragePooling(masked)"
        case let .attentionPooling(units): return "AttentionPooling(\(units))"
        }
    }

    /// The layer type that implements this spec: the one place a new layer is registered.
    public var layerType: any HeadLayer.Type {
        switch self {
        case .gru: return GRU.self
        case .batchNorm: return BatchNorm.self
        case .dropout: return Dropout.self
        case .dense: return Dense.self
        case .lstm: return LSTM.self
        case .bidirectional(.gru, _, _): return Bidirectional<GRU>.self
        case .bidirectional(.lstm, _, _): return Bidirectional<LSTM>.self
        case .averagePooling: return AveragePooling.self
        case .attentionPooling: return AttentionPooling.self
        }
    }

    /// Widths the architecture string chose (model files bound them before sizing anything).
    var units: [Int] {
        switch self {
        case let .gru(units, _), let .dense(units, _), let .lstm(units, _), let .bidirectional(_, units, _),
             let .attentionPooling(units): return [units]
        case .batchNorm, .dropout, .averagePooling: return []
        }
    }

    /// The same recurrent layer returning sequences or only its last state; other layers unchanged.
    func returningSequences(_ sequences: Bool) -> LayerSpec {
        switch self {
        case let .gru(units, _): return .gru(units: units, returnSequences: sequences)
        case let .lstm(units, _): return .lstm(units: units, returnSequences: sequences)
        case let .bidirectional(cell, units, _): return .bidirectional(cell, units: units, returnSequences: sequences)
        default: return self
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
