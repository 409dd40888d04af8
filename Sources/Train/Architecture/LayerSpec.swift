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
}
