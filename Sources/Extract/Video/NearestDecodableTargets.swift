/// What a snapping decode pass needs: each frame's presentation index by timestamp (from a demux-only pass)
/// and the wanted frame indices, ascending. Each target becomes the nearest frame the decoder outputs while
/// it skips non-reference frames (ties go to the earlier frame).
struct NearestDecodableTargets {
    let presentationIndex: [Int64: Int]
    let targets: [Int]
}
