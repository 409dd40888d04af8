import Foundation
import Shared

/// Everything one `extract` run needs, resolved from pipeline.yaml and the command line.
public struct ExtractionRequest: Sendable {
    public var dataset: String
    public var dataDirectory: URL
    public var cacheDirectory: URL
    public var modelsDirectory: URL
    public var frames: Int
    public var backbone: BackboneKind
    public var crop: CropPolicy
    /// How frames are located: exact by default; nearest-decodable is the opt-in fast mode.
    public var samplingMode: SamplingMode = .exact
    /// Frames per CNN call: larger batches make bigger GEMMs, up to a point.
    public var batchSize: Int
    /// FaceForensics++ / DFD methods and compression, and how fakes join identity groups.
    public var layout = LayoutOptions()

    public init(dataset: String, dataDirectory: URL, cacheDirectory: URL, modelsDirectory: URL,
                frames: Int, backbone: BackboneKind, crop: CropPolicy, batchSize: Int) {
        self.dataset = dataset
        self.dataDirectory = dataDirectory
        self.cacheDirectory = cacheDirectory
        self.modelsDirectory = modelsDirectory
        self.frames = frames
        self.backbone = backbone
        self.crop = crop
        self.batchSize = batchSize
    }

    /// The allowed frame counts: the notebook went from 16 to 256; beyond 4096 is surely a typo.
    public static let frameRange = 1...4096

    /// `cache/<DATA>/<backbone>_f<FRAMES>.h5`: one cache per dataset, backbone and frame count.
    public var cacheURL: URL {
        Self.cacheURL(cacheDirectory: cacheDirectory, dataset: dataset, backbone: backbone, frames: frames)
    }

    public static func cacheURL(cacheDirectory: URL, dataset: String, backbone: BackboneKind, frames: Int) -> URL {
        cacheDirectory.appendingPathComponent(dataset, isDirectory: true)
            .appendingPathComponent("\(backbone.rawValue)_f\(frames).h5")
    }

    public var weightsURL: URL { modelsDirectory.appendingPathComponent(backbone.weightFileName) }
}
