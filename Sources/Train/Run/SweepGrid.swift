import Foundation
import Shared

/// Every run of a sweep, in one fixed order (dataset, frames, backbone, then arch, seed, learning rate), so
/// that each shard of an array job computes the same list and takes its own block of it.
public struct SweepGrid: Sendable {
    public var datasets: [String]
    public var frameCounts: [Int]
    public var backbones: [String]
    public var archs: [String]
    public var seeds: [Int]
    public var learningRates: [Double]

    public init(datasets: [String], frameCounts: [Int], backbones: [String], archs: [String], seeds: [Int], learningRates: [Double]) {
        self.datasets = datasets
        self.frameCounts = frameCounts
        self.backbones = backbones
        self.archs = archs
        self.seeds = seeds
        self.learningRates = learningRates
    }

    /// The runs in grid order; `template` supplies the settings the grid does not vary.
    public func requests(template: TrainingRequest) -> [TrainingRequest] {
        var requests: [TrainingRequest] = []
        for dataset in datasets {
            for frames in frameCounts {
                for backbone in backbones {
                    for arch in archs {
                        for seed in seeds {
                            for lr in learningRates {
                                var request = template
                                request.dataset = dataset
                                request.frames = frames
                                request.backbone = backbone.lowercased()
                                request.architecture = arch
                                request.seed = seed
                                request.learningRate = lr
                                requests.append(request)
                            }
                        }
                    }
                }
            }
        }
        return requests
    }

    /// Consecutive runs that read the same cache, in grid order: each group loads its cache once.
    public static func groupedByCache(_ requests: [TrainingRequest]) -> [[TrainingRequest]] {
        var groups: [[TrainingRequest]] = []
        for request in requests {
            if let last = groups.last?.last, last.dataset == request.dataset, last.cacheStem == request.cacheStem {
                groups[groups.count - 1].append(request)
            } else {
                groups.append([request])
            }
        }
        return groups
    }
}
