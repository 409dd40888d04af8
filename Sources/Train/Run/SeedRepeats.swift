import Shared

/// `--seeds N`: a configuration trained with N consecutive seeds, `first`, `first + 1`, ..., `first + N - 1`.
/// `train fit` counts from its seed (train.seed), and `train sweep --seeds N` from train.seed too, so both
/// train the same seeds and their runs aggregate into the same leaderboard rows.
public enum SeedRepeats {
    public static func seeds(from first: Int, count: Int) throws -> [Int] {
        guard count >= 1 else { throw PipelineError("--seeds \(count): give how many seeds to train, at least 1 (e.g. --seeds 3)") }
        guard count <= 1000, first.addingReportingOverflow(count - 1).overflow == false else {
            throw PipelineError("--seeds \(count) from seed \(first) is out of range: use at most 1000 seeds and a smaller --seed")
        }
        return (0..<count).map { first + $0 }
    }

    /// The runs of `train fit`: every seed, and with folds every fold of each seed (seed-major).
    public static func requests(_ base: TrainingRequest, seeds: [Int], folds: [FoldChoice]?) -> [TrainingRequest] {
        seeds.flatMap { seed in
            (folds.map { $0.map(Optional.some) } ?? [nil]).map { fold in
                var request = base
                request.seed = seed
                request.fold = fold
                return request
            }
        }
    }
}
