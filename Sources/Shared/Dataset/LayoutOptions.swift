/// Choices for layouts that hold more than one dataset variant (FaceForensics++ / DFD).
/// Ignored by the Celeb-DF, labels.csv and real/+fake/ layouts.
public struct LayoutOptions: Sendable, Equatable {
    /// Manipulation methods to take as fakes: `Deepfakes`, `Face2Face`, `FaceSwap`, `NeuralTextures`,
    /// `FaceShifter`, `DeepFakeDetection` (any case), or the dataset names `FF++` (the five YouTube-based
    /// methods present) and `DFD` (DeepFakeDetection + actors originals). nil: every method present.
    public var methods: [String]?
    /// `c0` (alias `raw`), `c23` or `c40`. nil: c23 if present, else the only compression there.
    public var compression: String?

    public init(methods: [String]? = nil, compression: String? = nil) {
        self.methods = methods
        self.compression = compression
    }
}
