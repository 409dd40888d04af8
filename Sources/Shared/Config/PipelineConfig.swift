import Foundation
import Yams

/// Typed view of pipeline.yaml. Every field has a default so a partial file works;
/// command-line options override what is read here.
public struct PipelineConfig: Codable, Sendable, Equatable {
    public struct Paths: Codable, Sendable, Equatable {
        public var dataDir = "data"
        public var cacheDir = "cache"
        public var resultsDir = "results"
        public var modelsDir = "models"
        enum CodingKeys: String, CodingKey, CaseIterable {
            case dataDir = "data_dir", cacheDir = "cache_dir", resultsDir = "results_dir", modelsDir = "models_dir"
        }
    }

    public struct ExtractDefaults: Codable, Sendable, Equatable {
        public var dataset = "CelebDF"
        public var frames = 32
        public var backbone = "mobilenetv2"
        public var crop = "whole-frame"
        public var batchSize = 32
        /// Face crops: the square's side over the face box's longer side (FaceForensics++: 1.3).
        public var faceScale: Float = 1.3
        /// Face detection runs on a copy of each frame whose longer side is at most this (boxes mapped back).
        public var detectMaxSide = 1280
        enum CodingKeys: String, CodingKey, CaseIterable {
            case dataset, frames, backbone, crop, batchSize = "batch_size", faceScale = "face_scale",
                 detectMaxSide = "detect_max_side"
        }
    }

    public struct TrainDefaults: Codable, Sendable, Equatable {
        public var arch = "gru2-fc2"
        public var learningRate = 1e-3
        public var epochs = 100
        public var batchSize = 8
        public var seed = 42
        public var standardize = true
        public var patience = 15
        enum CodingKeys: String, CodingKey, CaseIterable {
            case arch, learningRate = "learning_rate", epochs, batchSize = "batch_size", seed, standardize, patience
        }
    }

    public struct Sweep: Codable, Sendable, Equatable {
        public var datasets: [String] = []
        public var frames: [Int] = []
        public var backbones: [String] = []
        public var archs: [String] = []
        public var seeds: [Int] = [42]
        public var learningRates: [Double] = [1e-3]
        enum CodingKeys: String, CodingKey, CaseIterable {
            case datasets, frames, backbones, archs, seeds, learningRates = "learning_rates"
        }
    }

    public var paths = Paths()
    public var extract = ExtractDefaults()
    public var train = TrainDefaults()
    public var sweep = Sweep()

    enum CodingKeys: String, CodingKey, CaseIterable {
        case paths, extract, train, sweep
    }

    public init() {}

    /// The file commands read when no --config is given; without it they run on the built-in defaults.
    public static let defaultFile = "pipeline.yaml"

    /// The configuration a command runs with, and where it came from: `--config PATH` must name a file that
    /// exists (a typo must not silently fall back to defaults); without it, ./pipeline.yaml when present.
    public static func resolve(path: String?) throws -> (config: PipelineConfig, source: String) {
        guard let path else {
            guard FileManager.default.fileExists(atPath: defaultFile) else { return (PipelineConfig(), "built-in defaults") }
            return (try load(URL(fileURLWithPath: defaultFile)), defaultFile)
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw PipelineError("--config \(path): no such file: give the path of an existing pipeline.yaml, or leave --config out to use ./\(defaultFile)")
        }
        return (try load(URL(fileURLWithPath: path)), path)
    }

    /// Reads a pipeline.yaml that exists: every key must be known (ConfigKeyCheck) and every value of its
    /// setting's type; an empty file gives the built-in defaults. Errors are one line naming file, key and line.
    public static func load(_ url: URL) throws -> PipelineConfig {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw PipelineError("\(url.path) cannot be read as UTF-8 text (\(error.localizedDescription)): fix or replace the file")
        }
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch let error as YamlError {
            throw PipelineError("\(url.path): \(ConfigKeyCheck.syntaxProblem(error)): fix the YAML there")
        }
        guard let node, node.null == nil else { return PipelineConfig() }
        try ConfigKeyCheck.check(node, file: url.path)
        do { return try YAMLDecoder().decode(PipelineConfig.self, from: text) } catch let error as DecodingError {
            throw PipelineError("\(url.path): \(ConfigKeyCheck.valueProblem(error, in: node)): fix that value")
        }
    }
}

extension PipelineConfig.Paths {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        dataDir = try c.decodeIfPresent(String.self, forKey: .dataDir) ?? dataDir
        cacheDir = try c.decodeIfPresent(String.self, forKey: .cacheDir) ?? cacheDir
        resultsDir = try c.decodeIfPresent(String.self, forKey: .resultsDir) ?? resultsDir
        modelsDir = try c.decodeIfPresent(String.self, forKey: .modelsDir) ?? modelsDir
    }
}

extension PipelineConfig.ExtractDefaults {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        dataset = try c.decodeIfPresent(String.self, forKey: .dataset) ?? dataset
        frames = try c.decodeIfPresent(Int.self, forKey: .frames) ?? frames
        backbone = try c.decodeIfPresent(String.self, forKey: .backbone) ?? backbone
        crop = try c.decodeIfPresent(String.self, forKey: .crop) ?? crop
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? batchSize
        faceScale = try c.decodeIfPresent(Float.self, forKey: .faceScale) ?? faceScale
        detectMaxSide = try c.decodeIfPresent(Int.self, forKey: .detectMaxSide) ?? detectMaxSide
    }
}

extension PipelineConfig.TrainDefaults {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        arch = try c.decodeIfPresent(String.self, forKey: .arch) ?? arch
        learningRate = try c.decodeIfPresent(Double.self, forKey: .learningRate) ?? learningRate
        epochs = try c.decodeIfPresent(Int.self, forKey: .epochs) ?? epochs
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? batchSize
        seed = try c.decodeIfPresent(Int.self, forKey: .seed) ?? seed
        standardize = try c.decodeIfPresent(Bool.self, forKey: .standardize) ?? standardize
        patience = try c.decodeIfPresent(Int.self, forKey: .patience) ?? patience
    }
}

extension PipelineConfig.Sweep {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        datasets = try c.decodeIfPresent([String].self, forKey: .datasets) ?? datasets
        frames = try c.decodeIfPresent([Int].self, forKey: .frames) ?? frames
        backbones = try c.decodeIfPresent([String].self, forKey: .backbones) ?? backbones
        archs = try c.decodeIfPresent([String].self, forKey: .archs) ?? archs
        seeds = try c.decodeIfPresent([Int].self, forKey: .seeds) ?? seeds
        learningRates = try c.decodeIfPresent([Double].self, forKey: .learningRates) ?? learningRates
    }
}

extension PipelineConfig {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        paths = try c.decodeIfPresent(Paths.self, forKey: .paths) ?? Paths()
        extract = try c.decodeIfPresent(ExtractDefaults.self, forKey: .extract) ?? ExtractDefaults()
        train = try c.decodeIfPresent(TrainDefaults.self, forKey: .train) ?? TrainDefaults()
        sweep = try c.decodeIfPresent(Sweep.self, forKey: .sweep) ?? Sweep()
    }
}
