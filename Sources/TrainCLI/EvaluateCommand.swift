import ArgumentParser
import Extract
import Foundation
import Shared
import Train

struct Evaluate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score a trained head on a dataset's cache made the same way (cross-dataset evaluation).",
        discussion: """
        Reads the model file for its backbone, weights, frames, crop and sampling, loads
        cache/<DATA>/<backbone>[_<crop>]_f<FRAMES>.h5 (extracting it with those settings when missing; refusing
        one made otherwise), standardizes with the model's own training statistics and writes
        <run folder>/eval/<DATA>/{metrics.json,scores.csv,roc.svg}; the report of the model's dataset gets a
        cross-dataset table.
        """)

    @Option(help: "A run's model file: results/<train data>/<stem>/<ARCH>/model.h5.") var model: String
    @Option(help: "Dataset to score: the folder <data-dir>/<name>/.") var data: String
    @Option(help: "test: that dataset's test split as train computes it with the model's seed; all: every video (default: test for the dataset the model was trained on, all for any other).")
    var split: String?
    @OptionGroup var paths: PathOptions

    func run() async throws {
        try await reportingErrors("evaluate") {
            let config = try paths.loadConfig()
            let chosen = try split.map { text in
                guard let value = EvaluationSplit(rawValue: text) else {
                    throw PipelineError("--split '\(text)' is not one of \(EvaluationSplit.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return value
            }
            let evaluation = try CrossDatasetEvaluation(modelURL: URL(fileURLWithPath: model))
            // Results go beside the model, so a --results-dir elsewhere would be silently ignored.
            if let given = paths.resultsDir,
               URL(fileURLWithPath: given).standardizedFileURL.path != evaluation.resultsDirectory?.standardizedFileURL.path {
                throw PipelineError("--results-dir \(given) is not where \(model) lives: evaluate writes beside the model (<run folder>/eval/<DATA>/) and updates that run's report; drop --results-dir")
            }
            let cache = try await evaluationCache(for: evaluation, config: config)
            let outcome = try evaluation.run(cache: cache, dataset: data,
                                             split: chosen ?? .defaultFor(dataset: data, trainedOn: evaluation.request.dataset))
            print(outcome.line)
            if let results = evaluation.resultsDirectory {
                try ResultsReport.update(dataset: evaluation.request.dataset, resultsDirectory: results)
                print("evaluate: cross-dataset table in \(RunFolder.datasetResults(results, dataset: evaluation.request.dataset).path)/report.html")
            }
        }
    }

    /// The cache of `data` made as the model's was, extracted with the model's settings when missing, and
    /// checked against the model before it is loaded, so a mismatch is named field by field.
    private func evaluationCache(for evaluation: CrossDatasetEvaluation, config: PipelineConfig) async throws -> CachedTrainingSet {
        let model = evaluation.model, path = evaluation.modelURL.path
        guard let kind = BackboneKind(rawValue: model.backbone) else {
            throw PipelineError("\(path) was trained on \(model.backbone) embeddings, a backbone this version does not have")
        }
        guard let crop = CropPolicy(rawValue: model.cropPolicy) else {
            throw PipelineError("\(path) records crop policy '\(model.cropPolicy)', which this version does not know")
        }
        guard let mode = SamplingMode.allCases.first(where: { ExtractionRun.samplingPolicy(for: $0) == model.samplingPolicy }) else {
            throw PipelineError("\(path) records a sampling policy this version does not know: use the version that trained it")
        }
        let cacheDirectory = paths.url(paths.cacheDir, config.paths.cacheDir)
        let cacheURL = ExtractionRequest.cacheURL(cacheDirectory: cacheDirectory, dataset: data, backbone: kind, crop: crop,
                                                  frames: model.frames)
        if !FileManager.default.fileExists(atPath: cacheURL.path) {
            printError("evaluate: \(cacheURL.path) is missing: extracting it with the model's settings")
            var request = ExtractionRequest(
                dataset: data, dataDirectory: paths.url(paths.dataDir, config.paths.dataDir), cacheDirectory: cacheDirectory,
                modelsDirectory: paths.url(paths.modelsDir, config.paths.modelsDir), frames: model.frames, backbone: kind,
                crop: crop, batchSize: config.extract.batchSize)
            request.samplingMode = mode
            if let face = model.face {
                (request.faceScale, request.detectMaxSide, request.noFace) = (face.scale, face.detectMaxSide, face.noFace)
            }
            print(try await ExtractionRun(request: request).run().line)
        }
        let metadata = try EmbeddingCacheReader(url: cacheURL).metadata
        try ModelCacheMatch.check(model: model, modelPath: path, cache: metadata, cachePath: cacheURL.path)
        return try CachedTrainingSet(cacheURL: cacheURL, backbone: kind.rawValue, crop: crop.rawValue, frames: model.frames)
    }
}
