import Shared

/// SHA-256 of a dataset listing's paths and file sizes: what a cache (or a shard) was made from, recorded
/// as `listing_sha256`. Modification times are left out so that the same files seen from another machine
/// (a copy, another mount) give the same digest.
public enum ListingDigest {
    /// Lines `<path>\t<bytes>\n` in sorted path order (UTF-8 bytes), hashed; lowercase hex.
    public static func sha256(paths: [String], bytes: [Int64]) -> String {
        precondition(paths.count == bytes.count)
        let order = paths.indices.sorted { paths[$0].utf8.lexicographicallyPrecedes(paths[$1].utf8) }
        var hash = SHA256()
        for index in order {
            hash.update(Array(paths[index].utf8))
            hash.update(Array("\t\(bytes[index])\n".utf8))
        }
        return hash.finalize()
    }

    public static func sha256(of videos: [WantedVideo]) -> String {
        sha256(paths: videos.map(\.path), bytes: videos.map(\.bytes))
    }
}
