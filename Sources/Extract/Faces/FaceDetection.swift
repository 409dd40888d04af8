import Shared

/// An axis-aligned box in pixel coordinates of one image: (x1, y1) top left, (x2, y2) bottom right,
/// as facenet-pytorch reports them (x2 - x1 is the width; no +1).
public struct FaceBox: Sendable, Equatable, Codable {
    public var x1: Float
    public var y1: Float
    public var x2: Float
    public var y2: Float

    public init(x1: Float, y1: Float, x2: Float, y2: Float) {
        (self.x1, self.y1, self.x2, self.y2) = (x1, y1, x2, y2)
    }

    public var width: Float { x2 - x1 }
    public var height: Float { y2 - y1 }
    /// 0 for a degenerate (empty or inverted) box.
    public var area: Float { max(0, width) * max(0, height) }
    public var centreX: Float { (x1 + x2) / 2 }
    public var centreY: Float { (y1 + y2) / 2 }
    /// Finite and with positive width and height.
    public var isUsable: Bool { [x1, y1, x2, y2].allSatisfy(\.isFinite) && width > 0 && height > 0 }

    /// Intersection over union; 0 when either box is degenerate.
    public func intersectionOverUnion(_ other: FaceBox) -> Float {
        let width = min(x2, other.x2) - max(x1, other.x1)
        let height = min(y2, other.y2) - max(y1, other.y1)
        guard width > 0, height > 0 else { return 0 }
        let intersection = width * height
        let union = area + other.area - intersection
        return union > 0 ? intersection / union : 0
    }

    /// The box with every coordinate multiplied by `factor` (a detection on a downscaled copy -> full size).
    public func scaled(by factor: Float) -> FaceBox {
        scaled(x: factor, y: factor)
    }

    /// The box with x coordinates multiplied by `x` and y coordinates by `y`.
    public func scaled(x: Float, y: Float) -> FaceBox {
        FaceBox(x1: x1 * x, y1: y1 * y, x2: x2 * x, y2: y2 * y)
    }
}

/// A point in pixel coordinates (a facial landmark).
public struct FacePoint: Sendable, Equatable, Codable {
    public var x: Float
    public var y: Float

    public init(x: Float, y: Float) {
        (self.x, self.y) = (x, y)
    }
}

/// One face a detector found in one image, in that image's pixel coordinates.
public struct FaceDetection: Sendable, Equatable {
    public var box: FaceBox
    /// The last stage's face probability, 0...1.
    public var probability: Float
    /// Five landmarks in MTCNN's order: left eye, right eye, nose, left mouth corner, right mouth corner
    /// (left and right as seen in the image).
    public var landmarks: [FacePoint]

    public init(box: FaceBox, probability: Float, landmarks: [FacePoint]) {
        self.box = box
        self.probability = probability
        self.landmarks = landmarks
    }

    /// The detection with box and landmarks multiplied by `factor`.
    public func scaled(by factor: Float) -> FaceDetection {
        scaled(x: factor, y: factor)
    }

    /// The detection with x coordinates multiplied by `x` and y coordinates by `y`.
    public func scaled(x: Float, y: Float) -> FaceDetection {
        FaceDetection(box: box.scaled(x: x, y: y), probability: probability,
                      landmarks: landmarks.map { FacePoint(x: $0.x * x, y: $0.y * y) })
    }
}

/// Finds faces in RGB images. Implementations must be safe to call from several tasks at once.
public protocol FaceDetector: Sendable {
    /// Faces in each image, most probable first; an image without faces gives an empty list.
    func detect(_ images: [RGBImage]) -> [[FaceDetection]]
}
