import ArgumentParser
import Extract
import Foundation
import Shared

/// `extract`: videos -> sampled frames -> frozen ImageNet CNN -> cache/<DATA>/<backbone>_f<FRAMES>.h5.
struct ExtractCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Embed sampled frames of every video of a dataset with a frozen ImageNet CNN, cached in HDF5.",
        discussion: """
        Reads <data-dir>/<DATA>/ (labels.csv, or real/ and fake/ folders), samples FRAMES frames spread over
        each whole video, and writes <cache-dir>/<DATA>/<backbone>_f<FRAMES>.h5 (see docs/cache-format.md).
        Re-running is cheap: cached videos are reused, new ones appended, deleted ones dropped, and a run
        that was killed resumes where it stopped. Defaults come from pipeline.yaml.
        """,
        version: ToolVersion.string)

    @Option(name: .long, help: "Dataset name: the folder <data-dir>/<name>/.")
    var data: String?

    @Option(name: .long, help: "Frames sampled uniformly over each whole video.")
    var frames: Int?

    @Option(name: .long, help: "Backbone CNN: \(BackboneKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var backbone: String?

    @Option(name: .long, help: "How frames become the CNN input: \(CropPolicy.allCases.map(\.rawValue).joined(separator: ", ")).")
    var crop: String?

    @Option(name: .long, help: "Frames per CNN batch.")
    var batchSize: Int?

    @Option(name: .long, help: "Folder that holds the dataset folders.")
    var dataDir: String?

    @Option(name: .long, help: "Folder for the embedding caches.")
    var cacheDir: String?

    @Option(name: .long, help: "Folder with the pretrained weight files (make setup fills it).")
    var modelsDir: String?

    @Option(name: .long, help: "FaceForensics++/DFD: manipulation methods to take as fakes, comma-separated (e.g. Deepfakes,FaceSwap, or FF++ / DFD).")
    var methods: String?

    @Option(name: .long, help: "FaceForensics++/DFD: compression c0 (raw), c23 or c40 (default c23 when present).")
    var compression: String?

    @Option(name: .long, help: "Identity groups for leak-free splits: join (a fake joins both swapped identities) or target (a fake follows its target only). Default: the dataset's convention (see docs/datasets.md).")
    var groups: String?

    @Option(name: .long, help: "Frame sampling: exact (default: every sampled index decoded exactly) or nearest-decodable (opt-in, faster on long H.264: skips non-reference frames and snaps each sample to the nearest decoded frame; recorded in the cache).")
    var sampling: String = "exact"

    @Option(name: .long, help: "Pipeline defaults file.")
    var config: String = "pipeline.yaml"

    func run() async throws {
        do {
            let summary = try await ExtractionRun(request: try request()).run()
            print(summary.line)
        } catch let error as DiagnosedError {
            printError("extract: error: \(error)")
            throw ExitCode.failure
        }
    }

    private func request() throws -> ExtractionRequest {
        let defaults = try PipelineConfig.load(URL(fileURLWithPath: config))
        let backboneName = backbone ?? defaults.extract.backbone
        guard let kind = BackboneKind(rawValue: backboneName.lowercased()) else {
            throw PipelineError("unknown backbone '\(backboneName)': choose one of \(BackboneKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let cropName = crop ?? defaults.extract.crop
        guard let cropPolicy = CropPolicy(rawValue: cropName) else {
            throw PipelineError("unknown crop policy '\(cropName)': choose one of \(CropPolicy.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var layout = LayoutOptions(methods: methods.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } },
                                   compression: compression)
        switch groups {
        case nil: break
        case "join": layout.joinSwapPartners = true
        case "target": layout.joinSwapPartners = false
        case let other?: throw PipelineError("--groups '\(other)' is not understood: use join or target")
        }
        var request = ExtractionRequest(
            dataset: data ?? defaults.extract.dataset,
            dataDirectory: URL(fileURLWithPath: dataDir ?? defaults.paths.dataDir, isDirectory: true),
            cacheDirectory: URL(fileURLWithPath: cacheDir ?? defaults.paths.cacheDir, isDirectory: true),
            modelsDirectory: URL(fileURLWithPath: modelsDir ?? defaults.paths.modelsDir, isDirectory: true),
            frames: frames ?? defaults.extract.frames,
            backbone: kind, crop: cropPolicy,
            batchSize: batchSize ?? defaults.extract.batchSize)
        request.layout = layout
        guard let mode = SamplingMode(rawValue: sampling) else {
            throw PipelineError("--sampling '\(sampling)' is not understood: use exact or nearest-decodable")
        }
        request.samplingMode = mode
        return request
    }
}

@main
enum Main {
    static func main() async {
        ProcessStart.prepare()
        await ExtractCommand.main()
    }
}
