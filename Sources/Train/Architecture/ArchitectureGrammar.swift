/// Architecture strings for recurrent heads.
///
/// ```text
/// arch    := preset | layers
/// preset  := "gru" N ["-bn"] "-fc" M              N, M in 1...3: the notebook's variants
/// layers  := token ("-" token)*                      explicit, read left to right
/// token   := "gru" N | "gru(" units ")"              N GRUs with default units, or given units
///          | "fc" M  | "fc(" units ")"               M Dense+ReLU with default units, or given units
///          | "drop"  | "drop(" rate ")"              dropout, rate 0.5 by default, 0 <= rate < 1
///          | "bn"                                    batch normalization at that position
/// units   := integer ("," integer)*
/// ```
/// Default units: gru1 = 64; gru2 = 64,32; gru3 = 64,64,32; fc1 = 32; fc2 = 32,16; fc3 = 64,32,16.
/// A preset inserts dropout 0.5 between the last GRU and the first FC and between FCs, and its "-bn"
/// puts batch normalization between consecutive GRUs. So `gru2-fc2` is
/// `gru(64,32)-drop(0.5)-fc(32)-drop(0.5)-fc(16)` (the notebook's best) and `gru3-bn-fc2` is
/// `gru(64)-bn-gru(64)-bn-gru(32)-drop-fc(32)-drop-fc(16)`. In explicit strings nothing is inserted.
/// Every head ends with Dense(1) + sigmoid (not written). GRUs come first (at least one); every GRU but
/// the last returns sequences; "bn" between GRUs normalizes over batch x valid frames.
public enum ArchitectureGrammar {
    public static let summary = """
        arch := preset | token(-token)*
          preset: gru<N>[-bn]-fc<M>, N,M in 1..3 (dropout 0.5 between GRU-FC and FC-FC; -bn = batch norm between GRUs)
          tokens: gru<N> | gru(u1,u2,...) | fc<M> | fc(u1,...) | drop | drop(rate) | bn
          defaults: gru1=64 gru2=64,32 gru3=64,64,32 fc1=32 fc2=32,16 fc3=64,32,16 drop=0.5
          examples: gru2-fc2, gru3-bn-fc2, gru1-fc1, gru(64,32)-drop(0.5)-fc(32,16), gru(64)-bn-gru(32)-drop(0.3)-fc(16)
        """

    static let defaultGRUUnits: [Int: [Int]] = [1: [64], 2: [64, 32], 3: [64, 64, 32]]
    static let defaultDenseUnits: [Int: [Int]] = [1: [32], 2: [32, 16], 3: [64, 32, 16]]
    static let defaultDropout: Float = 0.5

    /// Parses an architecture string into the layer stack, including the final Dense(1) logit layer.
    public static func parse(_ architecture: String) throws -> [LayerSpec] {
        let text = architecture.lowercased().filter { !$0.isWhitespace }
        guard !text.isEmpty else { throw ArchitectureError(architecture: architecture, problem: "it is empty") }
        if let preset = try expandPreset(text, original: architecture) { return try layers(preset, original: architecture) }
        return try layers(text, original: architecture)
    }

    /// `gru<N>[-bn]-fc<M>` -> the explicit string it stands for; nil when the text is not a preset.
    static func expandPreset(_ text: String, original: String) throws -> String? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || (parts.count == 3 && parts[1] == "bn") else { return nil }
        guard let n = count(after: "gru", in: parts[0]), let m = count(after: "fc", in: parts[parts.count - 1]) else {
            return nil
        }
        guard let gruUnits = defaultGRUUnits[n], let denseUnits = defaultDenseUnits[m] else {
            throw ArchitectureError(architecture: original, problem: "presets have 1 to 3 GRUs and 1 to 3 FCs")
        }
        if parts.count == 3 && n == 1 {
            throw ArchitectureError(architecture: original, problem: "'-bn' goes between GRUs, so it needs gru2 or gru3")
        }
        let joiner = parts.count == 3 ? "-bn-" : "-"
        let grus = gruUnits.map { "gru(\($0))" }.joined(separator: joiner)
        let fcs = denseUnits.map { "fc(\($0))" }.joined(separator: "-drop(\(defaultDropout))-")
        return "\(grus)-drop(\(defaultDropout))-\(fcs)"
    }

    /// "gru2" -> 2 for prefix "gru"; nil if the token is not prefix + digits.
    static func count(after prefix: String, in token: String) -> Int? {
        guard token.hasPrefix(prefix) else { return nil }
        let rest = token.dropFirst(prefix.count)
        guard !rest.isEmpty, rest.allSatisfy(\.isNumber) else { return nil }
        return Int(rest)
    }

    static func layers(_ text: String, original: String) throws -> [LayerSpec] {
        var grus: [Int] = []  // collected first: only the last one stops returning sequences
        var specs: [LayerSpec] = []
        var seenFlatLayer = false
        for token in try tokens(text, original: original) {
            let fail = { (problem: String) in ArchitectureError(architecture: original, problem: problem) }
            if token.hasPrefix("gru") {
                guard !seenFlatLayer else { throw fail("GRU token '\(token)' comes after an FC layer; GRUs come first") }
                let units = try unitList(token, prefix: "gru", defaults: defaultGRUUnits, original: original)
                for u in units {
                    grus.append(specs.count)
                    specs.append(.gru(units: u, returnSequences: true))
                }
            } else if token.hasPrefix("fc") {
                guard !grus.isEmpty else { throw fail("FC token '\(token)' comes before any GRU") }
                seenFlatLayer = true
                let units = try unitList(token, prefix: "fc", defaults: defaultDenseUnits, original: original)
                specs += units.map { .dense(units: $0, relu: true) }
            } else if token == "bn" {
                specs.append(.batchNorm)
            } else if token == "drop" || token.hasPrefix("drop(") {
                var rate = defaultDropout
                if token != "drop" {
                    guard token.hasSuffix(")"), let r = Float(token.dropFirst(5).dropLast()), r >= 0, r < 1 else {
                        throw fail("'\(token)' needs a rate in [0, 1), e.g. drop(0.5)")
                    }
                    rate = r
                }
                specs.append(.dropout(rate: rate))
            } else {
                throw fail("unknown token '\(token)'")
            }
        }
        guard let last = grus.last else { throw ArchitectureError(architecture: original, problem: "it has no GRU") }
        if case let .gru(units, _) = specs[last] { specs[last] = .gru(units: units, returnSequences: false) }
        specs.append(.dense(units: 1, relu: false))
        return specs
    }

    /// Splits on "-" outside parentheses.
    static func tokens(_ text: String, original: String) throws -> [String] {
        var tokens: [String] = [], current = "", depth = 0
        for ch in text {
            if ch == "(" { depth += 1 }
            if ch == ")" { depth -= 1 }
            if depth < 0 || depth > 1 { throw ArchitectureError(architecture: original, problem: "unbalanced parentheses") }
            if ch == "-" && depth == 0 {
                tokens.append(current)
                current = ""
            } else {
                current.append(ch)
            }
        }
        guard depth == 0 else { throw ArchitectureError(architecture: original, problem: "unbalanced parentheses") }
        tokens.append(current)
        if tokens.contains(where: \.isEmpty) {
            throw ArchitectureError(architecture: original, problem: "an empty token (doubled or trailing '-')")
        }
        return tokens
    }

    /// "gru2" -> defaults[2]; "gru(64,32)" -> [64, 32].
    static func unitList(_ token: String, prefix: String, defaults: [Int: [Int]], original: String) throws -> [Int] {
        if let n = count(after: prefix, in: token) {
            guard let units = defaults[n] else {
                throw ArchitectureError(architecture: original,
                                        problem: "'\(token)': shorthand counts are 1 to 3; write \(prefix)(units,...) for more")
            }
            return units
        }
        let body = token.dropFirst(prefix.count)
        guard body.hasPrefix("("), body.hasSuffix(")"), body.count > 2 else {
            throw ArchitectureError(architecture: original, problem: "unknown token '\(token)'")
        }
        let units = body.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
        guard units.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw ArchitectureError(architecture: original, problem: "'\(token)' needs positive integer units, e.g. \(prefix)(64,32)")
        }
        return units.map { $0! }
    }
}
