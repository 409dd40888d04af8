import Extract
import Foundation
import Shared

// `bench`: the Swift side of `make bench`. Each command times one part of the pipeline (medians of
// several runs) and prints one JSON object; bench/run.py runs the peers and prints the ratios.
ProcessStart.prepare()
let argumentList = Array(CommandLine.arguments.dropFirst())

func runCommand(_ arguments: BenchArguments) async throws {
    let models = URL(fileURLWithPath: arguments.string("models", default: "models"), isDirectory: true)
    let repeats = try arguments.int("repeats", default: 3)
    switch arguments.command {
    case "info":
        struct Info: Encodable {
            let coreName: String
            let backboneKernels: String
            let configuration: String
            let processors: Int
        }
        try JSONOutput.print(Info(coreName: OpenBLASKernels.coreName, backboneKernels: KernelISA.active.rawValue, configuration: OpenBLASInfo.configuration,
                                  processors: availableCores))
    case "gemm":
        try JSONOutput.print(GEMMBenchmark(size: try arguments.int("size", default: 2048), repeats: repeats).run())
    case "head-gemm":
        let name = arguments.string("library", default: "onednn")
        guard let library = HeadGEMMBenchmark.Library(rawValue: name) else {
            throw BenchUsageError(problem: "--library \(name): use onednn or openblas")
        }
        try JSONOutput.print(HeadGEMMBenchmark(library: library, rows: try arguments.int("rows", default: 1024),
                                               repeats: repeats).run())
    case "backbone":
        try JSONOutput.print(try BackboneBenchmark(
            kind: try BackboneLoader.kind(named: arguments.string("backbone", default: "mobilenetv2")),
            modelsDirectory: models, weights: try arguments.optionalPath("weights"),
            batchSizes: try arguments.ints("batches", default: [1, 8, 16, 32, 64]),
            framesPerRun: try arguments.int("frames", default: 64), repeats: repeats).run())
    case "embed-check":
        try JSONOutput.print(try EmbeddingCheck(
            kind: try BackboneLoader.kind(named: arguments.string("backbone", default: "mobilenetv2")),
            modelsDirectory: models, weights: try arguments.optionalPath("weights"),
            rawImage: try arguments.path("image")).run())
    case "sampler":
        let clips = try arguments.strings("clips", default: []).map { path in
            guard FileManager.default.fileExists(atPath: path) else {
                throw BenchUsageError(problem: "clip \(path) does not exist (bench/run.py generates the clips)")
            }
            return URL(fileURLWithPath: path)
        }
        guard !clips.isEmpty else { throw BenchUsageError(problem: "--clips a.mp4,b.mp4 is required") }
        let modeName = arguments.string("mode", default: SamplingMode.exact.rawValue)
        guard let mode = SamplingMode(rawValue: modeName) else {
            throw BenchUsageError(problem: "--mode must be exact or nearest-decodable, got '\(modeName)'")
        }
        try JSONOutput.print(try await SamplerBenchmark(clips: clips, frameCount: try arguments.int("frames", default: 32),
                                                  outputSize: 224, repeats: repeats, mode: mode,
                                                  concurrentVideos: try arguments.int("concurrent", default: 1)).run())
    case "scaling":
        try JSONOutput.print(try ScalingBenchmark(
            clip: try arguments.path("clip"),
            kind: try BackboneLoader.kind(named: arguments.string("backbone", default: "mobilenetv2")),
            modelsDirectory: models, frameCounts: try arguments.ints("frames", default: [16, 32, 64, 128, 256]),
            repeats: repeats).run())
    case "train-epoch":
        let splits = try BenchTrainingData.load(folder: try arguments.path("data"),
                                                frames: try arguments.int("sequence-frames", default: 32),
                                                dimension: try arguments.int("dimension", default: 1280))
        try JSONOutput.print(try TrainingBenchmark(
            splits: splits, architecture: arguments.string("arch", default: "gru(64,32)-drop(0.5)-fc(32)-drop(0.5)"),
            batchSizes: try arguments.ints("batches", default: [8, 32]), epochs: try arguments.int("epochs", default: 5),
            repeats: repeats).run())
    case "sweep":
        let splits = try BenchTrainingData.load(folder: try arguments.path("data"),
                                                frames: try arguments.int("sequence-frames", default: 32),
                                                dimension: try arguments.int("dimension", default: 1280))
        try JSONOutput.print(try await SweepBenchmark(
            splits: splits, architectures: arguments.strings("archs", default: SweepBenchmark.defaultArchitectures),
            epochs: try arguments.int("epochs", default: 100), batchSize: try arguments.int("batch", default: 8),
            parallel: try arguments.int("parallel", default: 1)).run())
    case "mtcnn":
        try JSONOutput.print(try MTCNNBenchmark(
            rawFrames: try arguments.path("frames-file"), width: try arguments.int("width", default: 1280),
            height: try arguments.int("height", default: 720), modelsDirectory: models, repeats: repeats).run())
    case "face-stages":
        try JSONOutput.print(try FaceStagesBenchmark(
            clip: try arguments.path("clip"), frames: try arguments.int("frames", default: 32),
            modelsDirectory: models, repeats: repeats).run())
    default:
        throw BenchUsageError(problem: "unknown command '\(arguments.command)'")
    }
}

do {
    try await runCommand(try BenchArguments(argumentList))
} catch let error as DiagnosedError {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
