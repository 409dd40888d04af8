import Foundation
import Extract
import Shared

/// Scores new videos with a trained head, embedding them exactly as its training cache was made:
/// the backbone (weights checked by SHA-256), frame count, input size and crop recorded in the model file.
public struct VideoPredictor: Sendable {
    public let model: ModelFile
    private let backbone: any Backbone
    private let sampler: VideoFrameSampler
    /// Face crops: the detector and tracker that make them (nil for whole frames and centre crops).
    private let faces: FaceCropping?

    /// weights: the checkpoint the model's cache was made with when it is not a published one (extract --weights).
    public init(modelURL: URL, modelsDirectory: URL, weights: URL? = nil) throws {
        model = try ModelFile.read(from: modelURL)
        guard let kind = BackboneKind(rawValue: model.backbone) else {
            throw PipelineError("\(modelURL.path) was trained on \(model.backbone) embeddings, a backbone this version does not have")
        }
        try model.checkCompatible(with: kind, file: modelURL.path)
        guard let crop = CropPolicy(rawValue: model.cropPolicy) else {
            throw PipelineError("\(modelURL.path) records crop policy '\(model.cropPolicy)', which this version does not know")
        }
        let recordedPolicy = model.samplingPolicy
        guard let mode = SamplingMode.allCases.first(where: { ExtractionRun.samplingPolicy(for: $0) == recordedPolicy }) else {
            throw PipelineError("\(modelURL.path) records a sampling policy this version does not know ('\(model.samplingPolicy.prefix(60))...'): use the version that trained it")
        }
        let weightsURL = try weights ?? kind.publishedWeights(in: modelsDirectory)
        let loaded = try kind.load(weightsAt: weightsURL, acceptingUnpublished: weights != nil)
        // The head only makes sense on embeddings from exactly the weights its cache was made with.
        guard loaded.sha256 == model.weightsSHA256 else {
            throw PipelineError("\(modelURL.path) was trained on embeddings from weights with SHA-256 \(model.weightsSHA256), but \(weightsURL.path) has \(loaded.sha256): its predictions would be meaningless; pass the checkpoint it was trained with (--weights)")
        }
        backbone = loaded.network
        let preprocessing = FramePreprocessing(crop: crop, outputSize: model.inputSize,
                                               faceScale: model.face?.scale ?? FramePreprocessing.defaultFaceScale)
        sampler = VideoFrameSampler(frameCount: model.frames, preprocessing: preprocessing, mode: mode)
        faces = crop == .face ? try Self.faceCropping(model: model, sampler: sampler, modelURL: modelURL,
                                                      modelsDirectory: modelsDirectory) : nil
    }

    /// Detects and tracks faces as the training cache's face stage did, or refuses when that cannot be matched.
    private static func faceCropping(model: ModelFile, sampler: VideoFrameSampler, modelURL: URL,
                                     modelsDirectory: URL) throws -> FaceCropping {
        guard let face = model.face else {
            throw PipelineError("\(modelURL.path) was trained on face crops but records no face settings: retrain it with this version")
        }
        let settings = FaceStageSettings(resolution: DetectionResolution(maxSide: face.detectMaxSide))
        let tracks = settings.cacheMetadata(dataset: "", frames: model.frames, samplingPolicy: model.samplingPolicy)
        guard tracks.settingsSHA256 == face.tracksSHA256 else {
            throw PipelineError("\(modelURL.path) was trained on face tracks made with other detector or tracking settings (SHA-256 \(face.tracksSHA256.prefix(12))..., this version makes \(tracks.settingsSHA256.prefix(12))...): use the version that trained it, or retrain")
        }
        let detector = try MTCNN.load(modelsDirectory: modelsDirectory, settings: settings.detector)
        return FaceCropping(sampler: sampler, detector: detector, resolution: settings.resolution,
                            tracking: settings.tracking, noFace: face.noFace)
    }

    /// One video's network inputs, cropped as the model's cache was, and its frame rate (for time stamps).
    private static func inputs(_ url: URL, sampler: VideoFrameSampler, faces: FaceCropping?) throws -> SampledVideoInputs {
        let sampled = try faces.map { try $0.with(sampler).process(url).sampled } ?? sampler.sample(url)
        return SampledVideoInputs(frames: sampled, framesPerSecond: try VideoFrameRate.read(url))
    }

    public func predict(_ url: URL, displayName: String? = nil, detail: PredictionDetail = PredictionDetail()) -> VideoPrediction {
        let name = displayName ?? url.path
        return prediction(Result { try Self.inputs(url, sampler: sampler, faces: faces) }, name: name, detail: detail)
    }

    /// Scores many videos in order, decoding the next ones while the CNN embeds the current one (as `extract`
    /// does); progress(done) is called after each video.
    public func predict(_ urls: [URL], displayNames: [String], detail: PredictionDetail = PredictionDetail(),
                        progress: (Int) -> Void = { _ in }) async throws
        -> [VideoPrediction] {
        precondition(urls.count == displayNames.count, "one display name per video")
        var predictions: [VideoPrediction] = []
        let faces = self.faces
        try await sampler.forEachVideo(urls, work: { index, sampler in
            try Self.inputs(urls[index], sampler: sampler, faces: faces)
        }) { index, sampled in
            predictions.append(prediction(sampled, name: displayNames[index], detail: detail))
            progress(index + 1)
        }
        return predictions
    }

    /// A failed sampling or scoring becomes a prediction carrying the error, so one bad file never stops a batch.
    private func prediction(_ inputs: Result<SampledVideoInputs, Error>, name: String, detail: PredictionDetail) -> VideoPrediction {
        do {
            let inputs = try inputs.get()
            let sampled = inputs.frames
            let dim = backbone.kind.embeddingDimension
            let embeddings = sampled.embeddings(with: backbone, batchSize: 32)
            var data = try TrainingData(sequences: Tensor(shape: [1, model.frames, dim], data: embeddings),
                                        mask: Tensor(shape: [1, model.frames], data: sampled.valid.map { $0 ? 1 : 0 }),
                                        labels: [0])
            if let standardizer = model.standardizer { data = standardizer.apply(to: data) }
            let sequence = data.batch([0])
            let probability = Double(model.head.predict(sequence)[0])
            guard probability.isFinite else {
                throw PipelineError("\(name): the head gave a non-finite score (\(probability)); its model file's weights are damaged: retrain it")
            }
            var prediction = VideoPrediction(video: name, fakeProbability: probability,
                                             label: probability > model.threshold ? "fake" : "real",
                                             validFrames: sampled.valid.filter { $0 }.count, error: nil, threshold: model.threshold)
            prediction.frameIndices = sampled.frameIndices.map(Int.init)
            prediction.timeStamps = prediction.frameIndices.map { index in
                inputs.framesPerSecond.flatMap { index >= 0 ? Double(index) / $0 : nil }
            }
            prediction.validSlots = sampled.valid
            if detail.runningScores { prediction.runningScores = model.head.runningScores(sequence).map { $0.map(Double.init) } }
            if let side = detail.thumbnailSide { prediction.thumbnails = sampled.images.map { $0.fitted(into: side) } }
            return prediction
        } catch {
            return VideoPrediction(video: name, fakeProbability: nil, label: nil, validFrames: 0, error: "\(error)")
        }
    }

    /// A video file, or every video file under a folder (recursively, sorted).
    public static func videos(at path: URL) throws -> [URL] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory) else {
            throw PipelineError("\(path.path) does not exist: give a video file or a folder of videos")
        }
        guard isDirectory.boolValue else { return [path] }
        // The dataset walk's rules: links stay inside the folder, and every skipped file is named.
        let walk = DatasetWalk(folder: path, root: path)
        walk.warnings.forEach(printError)
        if let summary = SkippedFile.summary(walk.skipped) { printError(summary) }
        let found = walk.videos
        guard !found.isEmpty else {
            throw PipelineError("\(path.path) holds no video files (\(VideoFileTypes.extensions.sorted().joined(separator: ", ")))")
        }
        return found
    }
}

/// One video's network inputs and its container's frame rate (nil when it declares none).
struct SampledVideoInputs: Sendable {
    var frames: SampledFrames
    var framesPerSecond: Double?
}
