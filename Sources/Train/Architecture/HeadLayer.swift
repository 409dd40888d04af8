import Shared

/// One layer of a head: how its weights are named, shaped and stored, its forward pass and its backward pass.
/// A new layer is one file conforming to this, one `LayerSpec` case (with its line in `LayerSpec.layerType`)
/// and a grammar token; `Head`, the optimizer and the model file only loop over layers.
public protocol HeadLayer: Sendable {
    /// Fresh Keras-default weights for `spec` on `inputFeatures`-dim inputs, drawn from `random` in a fixed order.
    init(spec: LayerSpec, inputFeatures: Int, random: inout SeededRandom)

    /// Keras-like stem of the parameter names, "<index>_<kindName>/<field>" (e.g. "gru", "dense").
    static var kindName: String { get }

    /// Field name and shape of every stored array, in storage order, from the spec alone: a model file's
    /// architecture is sized with this before anything is allocated. Fields contain no "/".
    static func parameterShapes(spec: LayerSpec, inputFeatures: Int) -> [(field: String, shape: [Int])]

    /// Features per step (or per sequence after pooling) the layer outputs.
    static func outputFeatures(spec: LayerSpec, inputFeatures: Int) -> Int

    var spec: LayerSpec { get }

    /// The stored arrays, in `parameterShapes` order.
    var storedParameters: [[Float]] { get }

    /// The first `trainableCount` stored arrays are trained; the rest (batch-norm running statistics) are not.
    var trainableCount: Int { get }

    /// In-place access to stored array `index` (optimizer updates, loading a model file).
    mutating func updateParameter(_ index: Int, _ body: (inout [Float]) -> Void)

    /// Forward pass; the cache is what `backpropagate` needs. Training mode may draw from `random` (dropout)
    /// and move running statistics (batch norm), hence mutating.
    mutating func apply(_ input: Activations, mode: Mode, random: inout SeededRandom) -> (Activations, any Sendable)

    /// Gradients of the trainable arrays (in order) and, when asked, of the input, given d loss / d output.
    func backpropagate(_ cache: any Sendable, outputGradient: [Float], needsInputGradient: Bool)
        -> (input: [Float]?, parameters: [[Float]])
}

extension HeadLayer {
    public var trainableCount: Int { storedParameters.count }

    /// The cache `apply` returned, as the layer's own type; any other is a programming error.
    func cache<C>(_ cache: any Sendable, as type: C.Type) -> C {
        guard let typed = cache as? C else { preconditionFailure("\(Self.kindName) was given a cache of \(Swift.type(of: cache))") }
        return typed
    }
}

/// A layer whose forward pass needs neither the mode nor randomness (dense, recurrent, attention pooling):
/// `apply` and `backpropagate` follow from its typed `forward` and `backward`.
public protocol DeterministicLayer: HeadLayer {
    associatedtype Cache: Sendable
    func forward(_ input: Activations) -> (Activations, Cache)
    func backward(_ cache: Cache, outputGradient: [Float], needsInputGradient: Bool) -> (input: [Float]?, parameters: [[Float]])
}

extension DeterministicLayer {
    public mutating func apply(_ input: Activations, mode: Mode, random: inout SeededRandom) -> (Activations, any Sendable) {
        let (output, cache) = forward(input)
        return (output, cache)
    }

    public func backpropagate(_ cache: any Sendable, outputGradient: [Float], needsInputGradient: Bool)
        -> (input: [Float]?, parameters: [[Float]]) {
        backward(self.cache(cache, as: Cache.self), outputGradient: outputGradient, needsInputGradient: needsInputGradient)
    }
}
