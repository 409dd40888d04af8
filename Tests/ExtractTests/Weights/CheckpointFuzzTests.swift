import Foundation
import Testing
import Shared
@testable import Extract

/// Runs the reader in-process on seeded mutations of small checkpoints: every input must either load, with
/// tensors as big as their shapes and finite, or throw a CheckpointError. A crash fails the run by definition.
/// `make fuzz FUZZ_SECONDS=600` runs longer, writing each input to .build/fuzz/current.pt first so a crash leaves it.
@Suite struct CheckpointFuzzTests {
    static let corpusDirectory = WeightsTestSupport.fixture("checkpoint-corpus")

    /// Seeds and hostile files, as the committed corpus holds them (regenerated with CHECKPOINT_CORPUS_WRITE=1).
    static var corpus: [(name: String, bytes: [UInt8])] {
        seeds.map { ($0.name, $0.bytes) } + HostileCheckpoints.corpus.map { ($0.name, $0.bytes) }
    }

    static var seeds: [CheckpointMutator.Seed] {
        let specs = CheckpointBuilder.tinySpecs
        let object = CheckpointBuilder.Pickle.stateDict(specs, legacy: false)
        let entries = CheckpointBuilder.zipEntries(object: object, storages: CheckpointBuilder.storages(specs))
        var view = CheckpointBuilder.TensorSpec("view.weight", key: "9", numel: 16, offset: 1, size: [3, 3], stride: [3, 1])
        view.view = (4, 10)
        return [
            .init(name: "seed-legacy", bytes: CheckpointBuilder.legacy(specs + [view])),
            .init(name: "seed-zip", bytes: ZipWriter(entries: entries).bytes, entries: entries),
            .init(name: "seed-zip64", bytes: ZipWriter(entries: entries, zip64: true).bytes, entries: entries, zip64: true),
        ]
    }

    @Test func committedCorpusMatchesItsBuilders() throws {
        let write = ProcessInfo.processInfo.environment["CHECKPOINT_CORPUS_WRITE"] == "1"
        if write { try FileManager.default.createDirectory(at: Self.corpusDirectory, withIntermediateDirectories: true) }
        for (name, bytes) in Self.corpus {
            let url = Self.corpusDirectory.appendingPathComponent(name + ".pt")
            #expect(bytes.count <= 10_000, "\(name) is too big to commit")
            if write { try Data(bytes).write(to: url) }
            let committed = try? [UInt8](Data(contentsOf: url))
            #expect(committed == bytes, "\(url.path) differs from its builder: run the test with CHECKPOINT_CORPUS_WRITE=1")
        }
    }

    @Test func mutatedCheckpointsLoadOrFailCleanly() throws {
        let environment = ProcessInfo.processInfo.environment
        let seconds = environment["FUZZ_SECONDS"].flatMap(Double.init)
        // The suite always runs the same inputs; a long run explores new ones unless given a seed to replay.
        let seed = environment["FUZZ_SEED"].flatMap(UInt64.init) ?? (seconds == nil ? 20_261_205 : UInt64(Date().timeIntervalSince1970))
        // In the suite: a fixed count (about 20 s in release), cut at 60 s on a loaded machine; `make fuzz`:
        // as many as fit in FUZZ_SECONDS.
        let count = seconds == nil ? 1_000_000 : Int.max
        let deadline = Date().addingTimeInterval(seconds ?? 60)
        let crashFile = seconds == nil ? nil : WeightsTestSupport.packageRoot.appendingPathComponent(".build/fuzz/current.pt")
        if let crashFile {
            try FileManager.default.createDirectory(at: crashFile.deletingLastPathComponent(), withIntermediateDirectories: true)
            print("checkpoint fuzz: seed \(seed) (replay with FUZZ_SEED=\(seed)), each input written to \(crashFile.path) first")
        }
        let committed = (try? FileManager.default.contentsOfDirectory(at: Self.corpusDirectory, includingPropertiesForKeys: nil)) ?? []
        let corpusSeeds = try committed.filter { $0.pathExtension == "pt" }.sorted { $0.path < $1.path }
            .map { CheckpointMutator.Seed(name: $0.lastPathComponent, bytes: try [UInt8](Data(contentsOf: $0))) }
        var mutator = CheckpointMutator(seeds: Self.seeds + corpusSeeds, random: SplitMix64(seed: seed))
        var outcomes = (loaded: 0, refused: 0)
        var done = 0
        while done < count, Date() < deadline {
            let input = mutator.next()
            if let crashFile { _ = FileManager.default.createFile(atPath: crashFile.path, contents: Data(input)) }
            do {
                Self.expectSound(try Checkpoint.tensors(input, path: "fuzz-input"), from: input, iteration: done)
                outcomes.loaded += 1
            } catch is CheckpointError {
                outcomes.refused += 1
            } catch {
                Issue.record("iteration \(done) (seed \(seed)) threw \(type(of: error)), not a CheckpointError: \(error)")
            }
            done += 1
        }
        print("checkpoint fuzz: seed \(seed), \(done) inputs, \(outcomes.loaded) loaded, \(outcomes.refused) refused")
        #expect(done >= min(count, 100_000), "only \(done) inputs ran: the reader has become very slow on some input")
        #expect(outcomes.loaded > 0 && outcomes.refused > 0, "mutations should both keep files valid and break them")
    }

    /// What a successful load promises: shapes match data, values are finite, memory is bounded by the file.
    private static func expectSound(_ tensors: [String: Tensor], from input: [UInt8], iteration: Int) {
        var total = 0
        for (name, tensor) in tensors {
            #expect(CheckedView.product(tensor.shape) == tensor.count, "iteration \(iteration): \(name)")
            #expect(tensor.data.allSatisfy { $0.isFinite }, "iteration \(iteration): \(name)")
            total += tensor.count
        }
        #expect(total <= TensorGather.maxExpansion * input.count, "iteration \(iteration): \(total) floats from \(input.count) bytes")
    }
}
