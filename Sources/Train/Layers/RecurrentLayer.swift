import Shared

/// A recurrent layer over masked sequences (GRU, LSTM): what `Bidirectional` needs to run one in each direction.
public protocol RecurrentLayer: DeterministicLayer {
    init(inputDim: Int, units: Int, returnSequences: Bool, random: inout SeededRandom)
    /// Which cell this is, for `LayerSpec.bidirectional`.
    static var cell: LayerSpec.RecurrentCell { get }
    var units: Int { get }
    var returnSequences: Bool { get }
    /// Stored arrays of a layer with these sizes, as `parameterShapes` names them.
    static func parameterShapes(inputDim: Int, units: Int) -> [(field: String, shape: [Int])]
}
