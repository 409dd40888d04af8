/// How the learning rate changes between epochs.
public enum LearningRateSchedule: Sendable, Equatable {
    /// The initial rate throughout.
    case constant
    /// lr = initial * factor^(floor(epoch / every)), epochs counted from 0.
    case stepDecay(factor: Float, every: Int)
    /// Keras ReduceLROnPlateau on val loss: after `patience` epochs without an improvement larger than
    /// `minDelta`, multiply by `factor` (not below `minimum`), then wait `cooldown` epochs.
    case reduceOnPlateau(factor: Float = 0.1, patience: Int = 10, minDelta: Float = 1e-4, cooldown: Int = 0,
                         minimum: Float = 0)
}

/// The schedule's running state: feed it each epoch's validation loss, read the next epoch's rate.
public struct LearningRateScheduler: Sendable {
    public let schedule: LearningRateSchedule
    public let initial: Float
    public private(set) var current: Float
    private var best = Float.infinity
    private var wait = 0
    private var cooldownLeft = 0

    public init(schedule: LearningRateSchedule, initial: Float) {
        self.schedule = schedule
        self.initial = initial
        current = initial
    }

    /// The rate for epoch `epoch` (0-based), before it runs.
    public mutating func rate(forEpoch epoch: Int) -> Float {
        if case let .stepDecay(factor, every) = schedule {
            current = initial * powf(factor, Float(epoch / max(every, 1)))
        }
        return current
    }

    /// Called after each epoch with its validation loss.
    public mutating func observe(validationLoss: Float) {
        guard case let .reduceOnPlateau(factor, patience, minDelta, cooldown, minimum) = schedule else { return }
        if cooldownLeft > 0 { cooldownLeft -= 1; wait = 0 }
        if validationLoss < best - minDelta {
            best = validationLoss
            wait = 0
        } else if cooldownLeft == 0 {
            wait += 1
            if wait >= patience {
                current = max(current * factor, minimum)
                cooldownLeft = cooldown
                wait = 0
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
