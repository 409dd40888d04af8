import Extract
import Shared

/// Whether a cache holds embeddings made the way a model's training cache was (backbone, weights, input size,
/// frames, crop, sampling, face settings): a head scored on anything else measures the mismatch, not the data.
public enum ModelCacheMatch {
    /// One "field cache-value (model model-value)" per difference, in a fixed order; empty when they match.
    public static func differences(model: ModelFile, cache: CacheMetadata) -> [String] {
        var found: [String] = []
        func compare(_ field: String, _ cached: String, _ trained: String) {
            if cached != trained { found.append("\(field) \(cached) (model \(trained))") }
        }
        compare("backbone", cache.backbone, model.backbone)
        compare("weights SHA-256", String(cache.weightsSHA256.prefix(12)) + "...", String(model.weightsSHA256.prefix(12)) + "...")
        if cache.weightsSHA256 != model.weightsSHA256, cache.weightsSHA256.prefix(12) == model.weightsSHA256.prefix(12) {
            found.append("weights SHA-256 \(cache.weightsSHA256) (model \(model.weightsSHA256))")
        }
        compare("frames", String(cache.frames), String(model.frames))
        compare("input size", String(cache.inputSize), String(model.inputSize))
        compare("crop", cache.cropPolicy, model.cropPolicy)
        compare("sampling", RunSettings.samplingName(cache.samplingPolicy), RunSettings.samplingName(model.samplingPolicy))
        if RunSettings.samplingName(cache.samplingPolicy) == RunSettings.samplingName(model.samplingPolicy),
           cache.samplingPolicy != model.samplingPolicy {
            found.append("sampling policy text differs")
        }
        if cache.cropPolicy == model.cropPolicy, FaceCropRecord(cache) != model.face {
            found.append("face-crop settings (scale, detection size, no-face policy or track settings) differ")
        }
        return found
    }

    /// Throws one line naming every difference and the fix, unless `cache` matches `model`.
    public static func check(model: ModelFile, modelPath: String, cache: CacheMetadata, cachePath: String) throws {
        let found = differences(model: model, cache: cache)
        guard !found.isEmpty else { return }
        throw PipelineError("\(cachePath) was not made like the cache \(modelPath) was trained on: "
            + found.joined(separator: ", ")
            + ": delete it and evaluate again to extract it with the model's settings, or give a model trained on matching embeddings")
    }
}
