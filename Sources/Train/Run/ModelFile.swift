import Foundation
import Shared

/// A trained head on disk (HDF5, docs/model-format.md): the weights, the standardizer, the architecture
/// and everything needed to embed new videos the same way (backbone, weights SHA-256, frames, crop).
public struct ModelFile: Sendable {
    public static let formatVersion = 1

    public var head: Head
    public var standardizer: Standardizer?
    /// The cache metadata the head was trained on: backbone, weights, frames, input size, crop, sampling.
    public var backbone: String
    public var weightsSHA256: String
    public var frames: Int
    public var inputSize: Int
    public var cropPolicy: String
    public var samplingPolicy: String
    public var dataset: String
    /// Face crops only: how the crops were made (scale, detection size, no-face policy, track settings' hash).
    public var face: FaceCropRecord?
    /// Probability above which a video is called fake.
    public var threshold: Double
    /// How `threshold` was chosen (ModelFile.validationThresholdRule); nil for files written before thresholds
    /// were chosen on validation (0.5, or 0.5 assumed when the file records none).
    public var thresholdRule: String?
    /// The run's RunSettings as JSON (absent from older files).
    public var settingsJSON: String?
    /// The TrainingRequest as JSON, for the record.
    public var requestJSON: String

    public init(head: Head, standardizer: Standardizer?, backbone: String, weightsSHA256: String, frames: Int,
                inputSize: Int, cropPolicy: String, samplingPolicy: String, dataset: String, threshold: Double = 0.5,
                requestJSON: String) {
        self.head = head
        self.standardizer = standardizer
        self.backbone = backbone
        self.weightsSHA256 = weightsSHA256
        self.frames = frames
        self.inputSize = inputSize
        self.cropPolicy = cropPolicy
        self.samplingPolicy = samplingPolicy
        self.dataset = dataset
        self.threshold = threshold
        self.requestJSON = requestJSON
    }

    /// The rule `train` chooses thresholds by (Metrics.balancedAccuracyThreshold).
    public static let validationThresholdRule = "max validation balanced accuracy"

    /// "0.4824 (max validation balanced accuracy)", or the default's note for older files.
    public var thresholdDescription: String {
        String(format: "%.4g", threshold) + " (" + (thresholdRule ?? "fixed default; this model file predates thresholds chosen on validation") + ")"
    }

    public func write(to url: URL) throws {
        let file = try HDF5File.create(at: url)
        try file.setAttribute("format_version", Int64(Self.formatVersion))
        try file.setAttribute("kind", "deepfake-video-head")
        try file.setAttribute("architecture", head.architecture)
        try file.setAttribute("input_dim", Int64(head.inputDim))
        try file.setAttribute("backbone", backbone)
        try file.setAttribute("weights_sha256", weightsSHA256)
        try file.setAttribute("frames", Int64(frames))
        try file.setAttribute("input_size", Int64(inputSize))
        try file.setAttribute("crop_policy", cropPolicy)
        try file.setAttribute("sampling_policy", samplingPolicy)
        try file.setAttribute("dataset", dataset)
        try file.setAttribute("threshold", threshold)
        if let thresholdRule { try file.setAttribute("threshold_rule", thresholdRule) }
        if let settingsJSON { try file.setAttribute("run_settings", settingsJSON) }
        try file.setAttribute("training_request", requestJSON)
        try file.setAttribute("tool_version", ToolVersion.string)
        try file.setAttribute("created_at", ISO8601DateFormatter().string(from: Date()))
        try file.setAttribute("standardized", Int64(standardizer == nil ? 0 : 1))
        try face?.write(to: file)
        let parameters = try file.createGroup("parameters")
        for (name, tensor) in head.namedParameters {
            // "0_gru/kernel" -> group "0_gru", dataset "kernel": the Keras-like layer/weight naming.
            let parts = name.split(separator: "/").map(String.init)
            let group = try parameters.contains(parts[0]) ? try parameters.group(parts[0]) : try parameters.createGroup(parts[0])
            try group.createDataset(parts[1], of: Float.self, shape: tensor.shape).write(tensor.data)
        }
        if let standardizer {
            let group = try file.createGroup("standardizer")
            try group.createDataset("mean", of: Float.self, shape: [standardizer.mean.count]).write(standardizer.mean)
            try group.createDataset("std", of: Float.self, shape: [standardizer.std.count]).write(standardizer.std)
        }
        try file.close()
    }

    /// Reads and checks a model file (ModelFileCheck): every attribute, shape and value before a head is built.
    public static func read(from url: URL) throws -> ModelFile {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw PipelineError("no model file at \(url.path): give the model.h5 of a run under results/")
        }
        let file = try HDF5File.open(url)
        guard try file.hasAttribute("kind"), try file.stringAttribute("kind") == "deepfake-video-head" else {
            throw PipelineError("\(url.path) is not a model file written by `train` (no kind=deepfake-video-head attribute)")
        }
        let version = Int(try file.attribute("format_version", as: Int64.self))
        guard version == formatVersion else {
            throw PipelineError("\(url.path) has model format \(version); this tool reads format \(formatVersion): retrain it with this version")
        }
        let architecture = try file.stringAttribute("architecture")
        let inputDim = Int(try file.attribute("input_dim", as: Int64.self))
        let frames = Int(try file.attribute("frames", as: Int64.self))
        let inputSize = Int(try file.attribute("input_size", as: Int64.self))
        // Files from before the threshold was recorded call fake above 0.5, as training's accuracy did.
        let threshold = try file.hasAttribute("threshold") ? try file.attribute("threshold", as: Double.self) : 0.5
        try ModelFileCheck.checkAttributes(inputDim: inputDim, frames: frames, inputSize: inputSize, threshold: threshold,
                                           file: url.path)
        var parameters: [String: Tensor] = [:]
        for (name, shape) in try ModelFileCheck.parameterShapes(architecture: architecture, inputDim: inputDim, file: url.path) {
            guard try file.contains("parameters"), try file.group("parameters").contains(String(name.prefix { $0 != "/" })),
                  try file.contains("parameters/" + name) else {
                throw ModelFileError(file: url.path, problem: "parameters/\(name) is missing for architecture \(architecture)")
            }
            let values = try ModelFileCheck.readArray(file.dataset("parameters/" + name), name: "parameters/" + name,
                                                      shape: shape, file: url.path)
            parameters[name] = Tensor(shape: shape, data: values)
        }
        var standardizer: Standardizer?
        switch try file.attribute("standardized", as: Int64.self) {
        case 0: standardizer = nil
        case 1: standardizer = try ModelFileCheck.readStandardizer(file, inputDim: inputDim)
        case let other: throw ModelFileError(file: url.path, problem: "attribute standardized is \(other), not 0 or 1")
        }
        var model = ModelFile(
            head: try Head(architecture: architecture, inputDim: inputDim, parameters: parameters),
            standardizer: standardizer,
            backbone: try file.stringAttribute("backbone"), weightsSHA256: try file.stringAttribute("weights_sha256"),
            frames: frames, inputSize: inputSize,
            cropPolicy: try file.stringAttribute("crop_policy"), samplingPolicy: try file.stringAttribute("sampling_policy"),
            dataset: try file.stringAttribute("dataset"), threshold: threshold,
            requestJSON: try file.stringAttribute("training_request"))
        model.face = try FaceCropRecord.read(from: file, path: url.path)
        model.thresholdRule = try file.hasAttribute("threshold_rule") ? try file.stringAttribute("threshold_rule") : nil
        model.settingsJSON = try file.hasAttribute("run_settings") ? try file.stringAttribute("run_settings") : nil
        return model
    }
}
