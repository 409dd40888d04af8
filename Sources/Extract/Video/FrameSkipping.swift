/// Which frames a decode pass may leave undecoded. Only frames no other frame references (H.264
/// nal_ref_idc 0, B-frames in most streams) can be skipped, so every decoded frame is still exact; skipped
/// frames are never output, so the pass numbers frames by timestamp from a `PacketIndex`.
enum FrameSkipping {
    /// Decode every frame; frames are numbered in output order.
    case none
    /// Skip non-reference frames that are not targets: the targets come out exactly as in a full decode.
    case unsampledNonReference(PacketIndex)
    /// Skip every non-reference frame; each target (ascending) snaps to the nearest decoded frame.
    case snapToDecodable(PacketIndex, targets: [Int])

    var packetIndex: PacketIndex? {
        switch self {
        case .none: return nil
        case .unsampledNonReference(let index), .snapToDecodable(let index, _): return index
        }
    }
}
