import Foundation
import Shared
import Train

/// The synthetic embedding sequences bench/run.py writes once for both sides (so Keras and we train on the
/// same numbers): `sequences.f32` little-endian float32 [videos, frames, dim], `labels.u8` one 0/1 byte each.
/// The standardized train and validation parts the timed runs use.
struct BenchSplits: Sendable {
    let train: TrainingData
    let validation: TrainingData
}

enum BenchTrainingData {
    static func load(folder: URL, frames: Int, dimension: Int) throws -> BenchSplits {
        let values = try Data(contentsOf: folder.appendingPathComponent("sequences.f32"))
        let labels = [UInt8](try Data(contentsOf: folder.appendingPathComponent("labels.u8"))).map(Int.init)
        let floats = values.count / MemoryLayout<Float>.size
        guard floats == labels.count * frames * dimension else {
            throw BenchUsageError(problem: "\(folder.path): \(floats) floats for \(labels.count) videos x \(frames) x \(dimension)")
        }
        let data = values.withUnsafeBytes { raw in
            (0..<floats).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
        let sequences = Tensor(shape: [labels.count, frames, dimension], data: data)
        // The project's own 70/15/15 stratified split and train-only standardisation: 200 videos -> 140 train.
        let all = try TrainingData(sequences: sequences, labels: labels)
        let none = [String?](repeating: nil, count: labels.count)
        let split = try SplitPlan(paths: all.videoIDs, labels: labels, groups: none, fixed: none, seed: 42)
        let standardizer = Standardizer(fitting: all.subset(split.train))
        return BenchSplits(train: standardizer.apply(to: all.subset(split.train)),
                           validation: standardizer.apply(to: all.subset(split.validation)))
    }
}
