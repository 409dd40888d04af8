/// `count` frame indices spread uniformly over frames 0...totalFrames-1, both ends included.
///
/// Rounding: exactly `np.linspace(0, totalFrames - 1, count).astype(int)` as DeepfakeBench and the DFDC
/// solutions compute it: position i is `Double(i) * ((n - 1) / (count - 1))`, the last one is n - 1 exactly,
/// and each is truncated toward zero (floor), not rounded to nearest.
/// When count > totalFrames this repeats indices like numpy does; `VideoFrameSampler` does not use it
/// for such short videos (see `FrameSlotPlan`). Returns [] when either argument is < 1.
public func uniformFrameIndices(totalFrames: Int, count: Int) -> [Int] {
    guard totalFrames >= 1, count >= 1 else { return [] }
    guard count > 1 else { return [0] }
    let last = Double(totalFrames - 1)
    let step = last / Double(count - 1)
    var indices = [Int](repeating: 0, count: count)
    for i in 0..<count {
        let position = (i == count - 1) ? last : Double(i) * step
        indices[i] = Int(position)  // Int(_: Double) truncates toward zero, like astype(int)
    }
    return indices
}

/// Which decoded frame goes into each output slot.
///
/// Short-video policy: a video with fewer frames than slots gives every frame 0..<n in order, then the
/// remaining slots are padding (frame index -1, shown as a black image, marked invalid).
struct FrameSlotPlan: Equatable {
    /// [slotCount]: decoded frame index per slot, -1 for padding.
    let slotFrameIndices: [Int]
    let totalFrames: Int

    init(totalFrames: Int, slotCount: Int) {
        self.totalFrames = totalFrames
        if totalFrames >= slotCount {
            slotFrameIndices = uniformFrameIndices(totalFrames: totalFrames, count: slotCount)
        } else {
            var slots = [Int](repeating: -1, count: slotCount)
            for i in 0..<max(totalFrames, 0) { slots[i] = i }
            slotFrameIndices = slots
        }
    }

    /// The distinct frames that must be converted.
    var targetFrames: Set<Int> { Set(slotFrameIndices.filter { $0 >= 0 }) }
}
