/// The size at which faces are detected: frames whose longer side exceeds `maxSide` are detected on a
/// downscaled copy (aspect kept), and the boxes are mapped back to full resolution. The DFDC winner halved
/// 1080p frames; MTCNN's 20-pixel minimum face then means 40 pixels at full size.
public struct DetectionResolution: Sendable, Equatable, Codable {
    public var maxSide: Int

    public static let allowedMaxSides = 64...8192

    public init(maxSide: Int = 1280) {
        self.maxSide = maxSide
    }

    /// The detector's image size for a displayed frame of width x height (each side at least 1).
    public func size(width: Int, height: Int) -> (width: Int, height: Int) {
        let longer = max(width, height)
        guard longer > maxSide else { return (width, height) }
        let scale = Double(maxSide) / Double(longer)
        return (max(1, Int((Double(width) * scale).rounded())), max(1, Int((Double(height) * scale).rounded())))
    }
}
