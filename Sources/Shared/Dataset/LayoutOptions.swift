/// Choices for the native layouts: which FaceForensics++ / DFD variant to take, and how fakes join groups.
/// Ignored by the labels.csv and real/+fake/ layouts.
public struct LayoutOptions: Sendable, Equatable {
    /// Manipulation methods to take as fakes: `Deepfakes`, `Face2Face`, `FaceSwap`, `NeuralTextures`,
    /// `FaceShifter`, `DeepFakeDetection` (any case), or the dataset names `FF++` (the five YouTube-based
    /// methods present) and `DFD` (DeepFakeDetection + actors originals). nil: every method present.
    public var methods: [String]?
    /// `c0` (alias `raw`), `c23` or `c40`. nil: c23 if present, else the only compression there.
    public var compression: String?
    /// true: a fake joins the groups of both its target and its source identity (union-find), so no face is
    /// on both sides of a split. false: a fake belongs to its target only (the original it was made from),
    /// which keeps more, smaller groups when swaps chain most identities into one (Celeb-DF, DFD).
    /// nil: the dataset's own convention: joined for FaceForensics++ (its official split keeps each
    /// target/source pair together, and the pairs are disjoint), target only for Celeb-DF and DFD (joining
    /// there chains the 59 celebrities into about 4 clusters and the 28 actors likewise).
    public var joinSwapPartners: Bool?

    public init(methods: [String]? = nil, compression: String? = nil, joinSwapPartners: Bool? = nil) {
        self.methods = methods
        self.compression = compression
        self.joinSwapPartners = joinSwapPartners
    }
}
