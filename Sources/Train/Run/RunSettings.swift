import Extract
import Shared

/// What a run resolved beyond its request, kept in metrics.json and model.h5 so a result can be traced to
/// exactly how it was made: the cache's crop and frame sampling, the feature standardization, the schedule
/// and the class weights the loss used.
public struct RunSettings: Codable, Sendable, Equatable {
    public var crop: String
    /// `exact` or `nearest-decodable` (a SamplingMode), or `other` for a policy this version cannot name.
    public var sampling: String
    public var standardize: Bool
    public var schedule: String
    public var patience: Int
    public var weightDecay: Double
    /// Loss weights per class: n / (2 n_class) on the train split, or 1 and 1 with class weights off.
    public var classWeightReal: Double
    public var classWeightFake: Double
    /// SHA-256 of the cache's metadata and of every video's path, label, fixed split and group, in order:
    /// what the embeddings and the split are made of.
    public var cacheFingerprint: String
    /// SHA-256 of the backbone's weight file the cache was extracted with (absent from older runs).
    public var weightsSHA256: String?

    enum CodingKeys: String, CodingKey {
        case crop, sampling, standardize, schedule, patience, weightDecay = "weight_decay",
             classWeightReal = "class_weight_real", classWeightFake = "class_weight_fake", cacheFingerprint = "cache_fingerprint",
             weightsSHA256 = "weights_sha256"
    }

    public init(request: TrainingRequest, cache: CachedTrainingSet, trainLabels: [Int]) {
        crop = cache.metadata.cropPolicy
        sampling = Self.samplingName(cache.metadata.samplingPolicy)
        standardize = request.standardize
        schedule = request.schedule
        patience = request.patience
        weightDecay = request.weightDecay
        let weights = request.balanceClasses ? ClassWeights.balanced(labels: trainLabels) : .uniform
        classWeightReal = Double(weights.real)
        classWeightFake = Double(weights.fake)
        cacheFingerprint = Self.fingerprint(cache)
        weightsSHA256 = cache.metadata.weightsSHA256
    }

    /// The sampling mode whose policy text the cache recorded.
    public static func samplingName(_ policy: String) -> String {
        SamplingMode.allCases.first { ExtractionRun.samplingPolicy(for: $0) == policy }?.rawValue ?? "other"
    }

    static func fingerprint(_ cache: CachedTrainingSet) -> String {
        var hash = SHA256()
        let m = cache.metadata
        let fields: [String] = [m.backbone, m.weightsSHA256, String(m.inputSize), m.normalization, String(m.frames),
                                String(m.embeddingDimension), m.samplingPolicy, m.cropPolicy, m.dataset,
                                m.faceScale.map { "\($0)" } ?? "", m.faceTracksSHA256 ?? "", m.noFace ?? "",
                                m.detectMaxSide.map(String.init) ?? ""]
        for (index, path) in cache.data.videoIDs.enumerated() {
            let row = [path, String(cache.data.labels[index]), cache.fixedSplits[index] ?? "", cache.groups[index] ?? ""]
            hash.update(Array((row.joined(separator: "\t") + "\n").utf8))
        }
        hash.update(Array(fields.joined(separator: "\t").utf8))
        return hash.finalize()
    }
}
