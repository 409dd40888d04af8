/// The knobs of facenet-pytorch's MTCNN(min_face_size, factor, thresholds), defaults as there.
/// A face cache records `description`, so faces found with other settings are never mistaken for these.
public struct MTCNNSettings: Sendable, Equatable, Codable {
    /// Smallest face side, in pixels, the image pyramid looks for (P-Net sees 12 pixels: the first scale is 12 / this).
    public var minFaceSize: Int
    /// Each pyramid level is this much smaller than the one before.
    public var scaleFactor: Double
    /// Face probability a candidate needs to pass P-Net (>=), R-Net (>) and O-Net (>).
    public var thresholds: [Float]

    public init(minFaceSize: Int = 20, scaleFactor: Double = 0.709, thresholds: [Float] = [0.6, 0.7, 0.7]) {
        self.minFaceSize = minFaceSize
        self.scaleFactor = scaleFactor
        self.thresholds = thresholds
    }

    public static let facenetDefaults = MTCNNSettings()

    /// One line naming the detector and every setting, e.g.
    /// "mtcnn facenet-pytorch-2.6.0 min-face 20 factor 0.709 thresholds 0.6,0.7,0.7".
    public var description: String {
        "mtcnn facenet-pytorch-2.6.0 min-face \(minFaceSize) factor \(scaleFactor) thresholds "
            + thresholds.map { "\($0)" }.joined(separator: ",")
    }

    /// nil when usable, else what is wrong.
    public var problem: String? {
        if minFaceSize < 12 { return "MTCNN's minimum face size must be at least 12 pixels, got \(minFaceSize)" }
        if !(scaleFactor > 0.1 && scaleFactor < 1) { return "MTCNN's scale factor must lie in (0.1, 1), got \(scaleFactor)" }
        if thresholds.count != 3 || !thresholds.allSatisfy({ $0 >= 0 && $0 <= 1 }) {
            return "MTCNN needs three thresholds in [0, 1] (P-Net, R-Net, O-Net), got \(thresholds)"
        }
        return nil
    }
}
