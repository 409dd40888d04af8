/// What a checkpoint's SHA-256 must be, stated by every caller of `Checkpoint.load`: the published digests
/// of the weights it expects, or `.unpinned` for a file the caller chose (tests, a researcher's own weights).
public enum WeightPin: Sendable, Equatable {
    case unpinned
    /// Lowercase hex digests; the file must match one of them.
    case sha256(Set<String>)
    /// A backbone's published checkpoints, some known only by the digest prefix in their file names.
    case published([PublishedDigest])

    /// The accepted digests as error messages state them; empty when unpinned.
    var digests: Set<String> {
        switch self {
        case .unpinned: []
        case .sha256(let digests): digests
        case .published(let digests): Set(digests.map(\.description))
        }
    }

    /// True when the digest is acceptable.
    func admits(_ digest: String) -> Bool {
        switch self {
        case .unpinned: true
        case .sha256(let digests): digests.contains(digest)
        case .published(let digests): digests.contains { $0.matches(digest) }
        }
    }
}
