/// Architecture strings for classification heads on frame-embedding sequences.
///
/// ```text
/// arch    := preset | layers
/// preset  := [rnn N ["-bn"] "-"] [pool "-"] "fc" M    N, M in 1...3; at least an rnn or a pool
/// layers  := token ("-" token)*                      explicit, read left to right
/// rnn     := "gru" | "lstm" | "bigru" | "bilstm"     bi* = bidirectional, outputs concatenated (2 x units)
/// pool    := "avg" | "attn"                          masked mean / attention pooling over valid frames
/// token   := rnn N | rnn "(" units ")"               N recurrent layers with default units, or given units
///          | "avg" | "attn" | "attn(" a ")"          pooling over time (attention with a hidden units, 32)
///          | "fc" M  | "fc(" units ")"               M Dense+ReLU with default units, or given units
///          | "drop"  | "drop(" rate ")"              dropout, rate 0.5 by default, 0 <= rate < 1
///          | "bn"                                    batch normalization at that position
/// units   := integer ("," integer)*
/// ```
/// Default units: rnn1 = 64; rnn2 = 64,32; rnn3 = 64,64,32; fc1 = 32; fc2 = 32,16; fc3 = 64,32,16.
/// A preset inserts dropout 0.5 before the first FC and between FCs, and its "-bn" puts batch normalization
/// between consecutive recurrent layers. So `gru2-fc2` is `gru(64,32)-drop(0.5)-fc(32)-drop(0.5)-fc(16)` (the
/// notebook's best), `gru3-bn-fc2` is `gru(64)-bn-gru(64)-bn-gru(32)-drop-fc(32)-drop-fc(16)` and `avg-fc2` is
/// `avg-drop-fc(32)-drop-fc(16)`. In explicit strings nothing is inserted. Every head ends with Dense(1) + sigmoid
/// (not written). Recurrent layers come first, then at most one pool, then FCs; without a pool the last
/// recurrent layer returns its last state, with one every recurrent layer returns sequences and the pool
/// reduces them. "bn" between recurrent layers normalizes over batch x valid frames.
public enum ArchitectureGrammar {
    public static let summary = """
        arch := preset | token(-token)*
          preset: gru<N>[-bn]-fc<M>, N,M in 1..3 (dropout 0.5 before and between FCs; -bn = batch norm between recurrent layers);
            gru may be lstm, bigru or bilstm; a pool may come before the FCs (gru2-attn-fc2) or replace the recurrent part (avg-fc2)
          tokens: gru<N> | gru(u1,u2,...) | lstm.. | bigru.. | bilstm.. | avg | attn | attn(a) | fc<M> | fc(u1,...) | drop | drop(rate) | bn
            order: recurrent layers, then at most one pool, then fc. bigru/bilstm: both directions, outputs concatenated;
            avg: mean over valid frames; attn: weights softmax(v . tanh(W x_t + b)) over valid frames, weighted sum of x_t
          defaults: gru1=64 gru2=64,32 gru3=64,64,32 (same for lstm, bigru, bilstm) attn=32 fc1=32 fc2=32,16 fc3=64,32,16 drop=0.5
          examples: gru2-fc2, gru3-bn-fc2, gru1-fc1, avg-fc2, lstm2-fc2, bigru1-fc1, gru1-attn-fc1, gru(64,32)-drop(0.5)-fc(32,16), gru(64)-bn-gru(32)-drop(0.3)-fc(16)
        """

    static let defaultRecurrentUnits: [Int: [Int]] = [1: [64], 2: [64, 32], 3: [64, 64, 32]]
    static let defaultDenseUnits: [Int: [Int]] = [1: [32], 2: [32, 16], 3: [64, 32, 16]]
    static let defaultDropout: Float = 0.5
    static let defaultAttentionUnits = 32

    /// Recurrent token prefixes and the layer each unit count becomes (returning sequences until the end).
    static let recurrentKinds: [(prefix: String, make: @Sendable (Int) -> LayerSpec)] = [
        ("gru", { .gru(units: $0, returnSequences: true) }),
        ("lstm", { .lstm(units: $0, returnSequences: true) }),
        ("bigru", { .bidirectional(.gru, units: $0, returnSequences: true) }),
        ("bilstm", { .bidirectional(.lstm, units: $0, returnSequences: true) }),
    ]

    /// Parses an architecture string into the layer stack, including the final Dense(1) logit layer.
    public static func parse(_ architecture: String) throws -> [LayerSpec] {
        let text = architecture.lowercased().filter { !$0.isWhitespace }
        guard !text.isEmpty else { throw ArchitectureError(architecture: architecture, problem: "it is empty") }
        if let preset = try expandPreset(text, original: architecture) { return try layers(preset, original: architecture) }
        return try layers(text, original: architecture)
    }

    /// `[R<N>[-bn]-][pool-]fc<M>` -> the explicit string it stands for; nil when the text is not a preset.
    static func expandPreset(_ text: String, original: String) throws -> String? {
        var parts = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard (2...4).contains(parts.count), let m = count(after: "fc", in: parts.removeLast()) else { return nil }
        let pool = parts.last.map { ["avg", "attn"].contains($0) } == true ? parts.removeLast() : nil
        let batchNorm = parts.count == 2 && parts[1] == "bn"
        if batchNorm { parts.removeLast() }
        var recurrent: (prefix: String, units: [Int])?
        if let token = parts.first {
            guard parts.count == 1, let kind = recurrentKinds.first(where: { count(after: $0.prefix, in: token) != nil }),
                  let n = count(after: kind.prefix, in: token) else { return nil }
            guard let units = defaultRecurrentUnits[n] else {
                throw ArchitectureError(architecture: original, problem: "presets have 1 to 3 recurrent layers and 1 to 3 FCs")
            }
            if batchNorm && n == 1 {
                throw ArchitectureError(architecture: original, problem: "'-bn' goes between recurrent layers, so it needs 2 or 3 of them")
            }
            recurrent = (kind.prefix, units)
        }
        guard recurrent != nil || pool != nil else { return nil }
        guard let denseUnits = defaultDenseUnits[m] else {
            throw ArchitectureError(architecture: original, problem: "presets have 1 to 3 recurrent layers and 1 to 3 FCs")
        }
        var layers: [String] = []
        if let recurrent { layers.append(recurrent.units.map { "\(recurrent.prefix)(\($0))" }.joined(separator: batchNorm ? "-bn-" : "-")) }
        if let pool { layers.append(pool) }
        layers.append(denseUnits.map { "drop(\(defaultDropout))-fc(\($0))" }.joined(separator: "-"))
        return layers.joined(separator: "-")
    }

    /// "gru2" -> 2 for prefix "gru"; nil if the token is not prefix + digits.
    static func count(after prefix: String, in token: String) -> Int? {
        guard token.hasPrefix(prefix) else { return nil }
        let rest = token.dropFirst(prefix.count)
        guard !rest.isEmpty, rest.allSatisfy(\.isNumber) else { return nil }
        return Int(rest)
    }

    /// The recurrent kind a token names ("gru2", "bilstm(64)"), by its whole letter prefix.
    static func recurrentKind(_ token: String) -> (prefix: String, make: @Sendable (Int) -> LayerSpec)? {
        let letters = String(token.prefix { $0.isLetter })
        return recurrentKinds.first { $0.prefix == letters }
    }

    static func layers(_ text: String, original: String) throws -> [LayerSpec] {
        var recurrent: [Int] = []  // collected first: without a pool only the last one stops returning sequences
        var specs: [LayerSpec] = []
        var pooled = false, seenDense = false
        for token in try tokens(text, original: original) {
            let fail = { (problem: String) in ArchitectureError(architecture: original, problem: problem) }
            if let kind = recurrentKind(token) {
                guard !pooled, !seenDense else {
                    throw fail("recurrent token '\(token)' comes after pooling or an FC layer; recurrent layers come first")
                }
                for u in try unitList(token, prefix: kind.prefix, defaults: defaultRecurrentUnits, original: original) {
                    recurrent.append(specs.count)
                    specs.append(kind.make(u))
                }
            } else if token == "avg" || token == "attn" || token.hasPrefix("attn(") {
                guard !pooled, !seenDense else { throw fail("'\(token)' pools the sequence once, before any FC layer") }
                pooled = true
                let units = token == "attn" ? [defaultAttentionUnits] : token == "avg" ? [] :
                    try unitList(token, prefix: "attn", defaults: [:], original: original)
                guard units.count <= 1 else { throw fail("'\(token)' takes one width, e.g. attn(32)") }
                specs.append(units.first.map { .attentionPooling(units: $0) } ?? .averagePooling)
            } else if token.hasPrefix("fc") {
                guard !recurrent.isEmpty || pooled else {
                    throw fail("FC token '\(token)' comes before any recurrent layer (gru, lstm, bigru, bilstm) or pool (avg, attn)")
                }
                seenDense = true
                let units = try unitList(token, prefix: "fc", defaults: defaultDenseUnits, original: original)
                specs += units.map { .dense(units: $0, relu: true) }
            } else if token == "bn" {
                specs.append(.batchNorm)
            } else if token == "drop" || token.hasPrefix("drop(") {
                specs.append(.dropout(rate: try dropoutRate(token, original: original)))
            } else {
                throw fail("unknown token '\(token)'")
            }
        }
        if !pooled {
            guard let last = recurrent.last else {
                throw ArchitectureError(architecture: original, problem: "it has no recurrent layer (gru, lstm, bigru, bilstm) and no pool (avg, attn)")
            }
            specs[last] = specs[last].returningSequences(false)
        }
        specs.append(.dense(units: 1, relu: false))
        return specs
    }

    /// "drop" -> 0.5; "drop(0.3)" -> 0.3.
    static func dropoutRate(_ token: String, original: String) throws -> Float {
        guard token != "drop" else { return defaultDropout }
        guard token.hasSuffix(")"), let r = Float(token.dropFirst(5).dropLast()), r >= 0, r < 1 else {
            throw ArchitectureError(architecture: original, problem: "'\(token)' needs a rate in [0, 1), e.g. drop(0.5)")
        }
        return r
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
