/// Union-find over identity ids (actors, celebrities, source videos): ids that one fake links end up in one
/// group, so no identity can appear on both sides of a split, directly or through a chain of swaps.
struct IdentityGroups {
    private var parent: [String: String] = [:]

    mutating func add(_ id: String) {
        if parent[id] == nil { parent[id] = id }
    }

    /// Joins the groups of `a` and `b`; the smaller id stays the root, so a group's name is its smallest id
    /// whatever order the links came in.
    mutating func link(_ a: String, _ b: String) {
        let rootA = root(of: a)
        let rootB = root(of: b)
        guard rootA != rootB else { return }
        if rootA < rootB { parent[rootB] = rootA } else { parent[rootA] = rootB }
    }

    mutating func root(of id: String) -> String {
        add(id)
        var top = id
        while let up = parent[top], up != top { top = up }
        var walker = id
        while let up = parent[walker], up != top { parent[walker] = top; walker = up }
        return top
    }

    /// The group of each video: the root of its first id, or `file:<path>` when its name gave no ids.
    /// ids: per video, the identities its file name names (target first), nil when the name did not parse;
    /// joinAll false keeps only the first (target) id of each video.
    static func assign(ids: [[String]?], paths: [String], joinAll: Bool) -> [String] {
        var groups = IdentityGroups()
        for case let names? in ids {
            for name in names { groups.add(name) }
            if joinAll { for name in names.dropFirst() { groups.link(names[0], name) } }
        }
        var result: [String] = []
        result.reserveCapacity(ids.count)
        for (names, path) in zip(ids, paths) {
            if let first = names?.first { result.append(groups.root(of: first)) } else { result.append("file:" + path) }
        }
        return result
    }
}
