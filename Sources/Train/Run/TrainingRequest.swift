import Foundation
import Extract
import Shared

/// Everything one `train` run needs: which cache, which head, how to fit it, where results go.
public struct TrainingRequest: Sendable, Codable, Equatable {
    public var dataset: String
    public var backbone: String
    public var frames: Int
    /// How frames became CNN inputs (a `CropPolicy` raw value): picks the cache.
    public var crop: String
    public var architecture: String
    public var learningRate: Double
    public var epochs: Int
    public var batchSize: Int
    public var seed: Int
    public var standardize: Bool
    /// Epochs without validation-loss improvement before stopping; 0 trains every epoch.
    public var patience: Int
    public var weightDecay: Double
    /// "constant", "step:<factor>:<every>" or "plateau:<factor>:<patience>".
    public var schedule: String
    /// Weight the loss by inverse class frequency (Celeb-DF is ~1 real : 9 fake).
    public var balanceClasses: Bool
    /// Set for a cross-validation run: the fold it tests on (nil: the usual train/val/test split).
    public var fold: FoldChoice?

    public init(dataset: String, backbone: String, frames: Int, crop: String = CropPolicy.wholeFrame.rawValue,
                architecture: String, learningRate: Double,
                epochs: Int, batchSize: Int, seed: Int, standardize: Bool = true, patience: Int = 15,
                weightDecay: Double = 0, schedule: String = "constant", balanceClasses: Bool = true,
                fold: FoldChoice? = nil) {
        self.dataset = dataset
        self.backbone = backbone
        self.frames = frames
        self.crop = crop
        self.architecture = architecture
        self.learningRate = learningRate
        self.epochs = epochs
        self.batchSize = batchSize
        self.seed = seed
        self.standardize = standardize
        self.patience = patience
        self.weightDecay = weightDecay
        self.schedule = schedule
        self.balanceClasses = balanceClasses
        self.fold = fold
    }

    /// `<backbone>[_<crop>]_f<FRAMES>`: the cache a run reads, and its folder under results/<DATA>/.
    public var cacheStem: String {
        crop == CropPolicy.wholeFrame.rawValue ? "\(backbone)_f\(frames)" : "\(backbone)_\(crop)_f\(frames)"
    }

    private enum CodingKeys: String, CodingKey {
        case dataset, backbone, frames, crop, architecture, learningRate, epochs, batchSize, seed, standardize, patience,
             weightDecay, schedule, balanceClasses, fold
    }

    /// Runs recorded before crops were part of the request trained on whole frames; runs without `fold`
    /// used the usual split.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(dataset: try c.decode(String.self, forKey: .dataset), backbone: try c.decode(String.self, forKey: .backbone),
                  frames: try c.decode(Int.self, forKey: .frames),
                  crop: try c.decodeIfPresent(String.self, forKey: .crop) ?? CropPolicy.wholeFrame.rawValue,
                  architecture: try c.decode(String.self, forKey: .architecture),
                  learningRate: try c.decode(Double.self, forKey: .learningRate), epochs: try c.decode(Int.self, forKey: .epochs),
                  batchSize: try c.decode(Int.self, forKey: .batchSize), seed: try c.decode(Int.self, forKey: .seed),
                  standardize: try c.decode(Bool.self, forKey: .standardize), patience: try c.decode(Int.self, forKey: .patience),
                  weightDecay: try c.decode(Double.self, forKey: .weightDecay), schedule: try c.decode(String.self, forKey: .schedule),
                  balanceClasses: try c.decode(Bool.self, forKey: .balanceClasses),
                  fold: try c.decodeIfPresent(FoldChoice.self, forKey: .fold))
    }

    public func trainingConfiguration() throws -> TrainingConfiguration {
        guard epochs > 0 else { throw PipelineError("EPOCHS=\(epochs) must be at least 1") }
        guard batchSize > 0 else { throw PipelineError("batch size \(batchSize) must be at least 1") }
        guard learningRate > 0, learningRate.isFinite else { throw PipelineError("LR=\(learningRate) must be a positive number, e.g. 1e-3") }
        return TrainingConfiguration(architecture: architecture, epochs: epochs, batchSize: batchSize,
                                     learningRate: Float(learningRate), weightDecay: Float(weightDecay),
                                     schedule: try Self.parseSchedule(schedule),
                                     earlyStoppingPatience: patience > 0 ? patience : nil,
                                     balanceClasses: balanceClasses, seed: UInt64(truncatingIfNeeded: seed))
    }

    static func parseSchedule(_ text: String) throws -> LearningRateSchedule {
        let parts = text.lowercased().split(separator: ":").map(String.init)
        switch (parts.first, parts.count) {
        case ("constant", 1): return .constant
        case ("step", 3):
            if let factor = Float(parts[1]), let every = Int(parts[2]), factor > 0, every > 0 {
                return .stepDecay(factor: factor, every: every)
            }
        case ("plateau", 3):
            if let factor = Float(parts[1]), let patience = Int(parts[2]), factor > 0, patience > 0 {
                return .reduceOnPlateau(factor: factor, patience: patience)
            }
        default: break
        }
        throw PipelineError("schedule '\(text)' is not understood: use constant, step:<factor>:<every> (e.g. step:0.5:20) or plateau:<factor>:<patience> (e.g. plateau:0.1:10)")
    }
}
