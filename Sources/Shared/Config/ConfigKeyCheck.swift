import Yams

/// The checks that keep pipeline.yaml from being silently ignored: every section and key must be one the
/// tools read (a misspelt key names the closest known one), and syntax or type errors become one line
/// naming the line and key instead of a decoder dump.
enum ConfigKeyCheck {
    /// Section -> the keys it may hold, from the Codable keys themselves so the two never drift apart.
    static let sections: [(name: String, keys: [String])] = [
        ("paths", PipelineConfig.Paths.CodingKeys.allCases.map(\.rawValue)),
        ("extract", PipelineConfig.ExtractDefaults.CodingKeys.allCases.map(\.rawValue)),
        ("train", PipelineConfig.TrainDefaults.CodingKeys.allCases.map(\.rawValue)),
        ("sweep", PipelineConfig.Sweep.CodingKeys.allCases.map(\.rawValue)),
    ]

    static func check(_ root: Node, file: String) throws {
        guard let mapping = root.mapping else {
            throw PipelineError("\(file)\(at(root)): the file must be a mapping of sections (\(sections.map(\.name).joined(separator: ", "))): fix its layout as in the repository's pipeline.yaml")
        }
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? "\(keyNode)"
            guard let known = sections.first(where: { $0.name == key })?.keys else {
                throw PipelineError("\(file)\(at(keyNode)): unknown section '\(key)'\(suggestion(key, among: sections.map(\.name))): known sections are \(sections.map(\.name).joined(separator: ", "))")
            }
            if value.null != nil { continue }
            guard let entries = value.mapping else {
                throw PipelineError("\(file)\(at(value)): section '\(key)' must hold 'key: value' lines (\(known.joined(separator: ", ")))")
            }
            for entryKey in entries.keys {
                let name = entryKey.string ?? "\(entryKey)"
                guard known.contains(name) else {
                    throw PipelineError("\(file)\(at(entryKey)): unknown key '\(key).\(name)'\(suggestion(name, among: known))\(elsewhere(name, not: key)): \(key) takes \(known.joined(separator: ", "))")
                }
            }
        }
    }

    /// " line N" when the node knows where it came from.
    static func at(_ node: Node) -> String { node.mark.map { " line \($0.line)" } ?? "" }

    static func syntaxProblem(_ error: YamlError) -> String {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            let around = context.map { " (\($0.text) at line \($0.mark.line))" } ?? ""
            return "line \(mark.line) column \(mark.column): invalid YAML: \(problem)\(around)"
        default:
            return "invalid YAML: " + (String(describing: error).split(separator: "\n").first.map(String.init) ?? "")
        }
    }

    /// "train.epochs (line 21): expected a whole number, found 'lots'" from the decoder's error.
    static func valueProblem(_ error: DecodingError, in root: Node) -> String {
        let path: [CodingKey]
        let expected: String
        switch error {
        case let .typeMismatch(type, context): (path, expected) = (context.codingPath, typeName(type))
        case let .valueNotFound(type, context): (path, expected) = (context.codingPath, typeName(type))
        case let .dataCorrupted(context): (path, expected) = (context.codingPath, "a valid value")
        case let .keyNotFound(key, context): (path, expected) = (context.codingPath + [key], "a value")
        @unknown default: return "a value is invalid"
        }
        let keys = path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
        var node: Node? = root
        for key in path { node = key.intValue.map { node?.sequence?[$0] } ?? node?.mapping?[key.stringValue] }
        let found = node.flatMap { $0.scalar?.string }.map { ", found '\($0)'" } ?? ""
        return "\(keys.joined(separator: ".").replacingOccurrences(of: ".[", with: "["))\(node.map(at) ?? ""): expected \(expected)\(found)"
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: return "a whole number"
        case is Double.Type, is Float.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is String.Type: return "a text value"
        case is [String].Type, is [Int].Type, is [Double].Type: return "a list such as [a, b]"
        default: return "a value of type \(type)"
        }
    }

    /// ": did you mean 'epochs'?" when a known key is within a few edits of the unknown one.
    static func suggestion(_ key: String, among known: [String]) -> String {
        let scored = known.map { (name: $0, distance: editDistance(key.lowercased(), $0)) }
        guard let best = scored.min(by: { $0.distance < $1.distance }), best.distance <= max(2, key.count / 3) else { return "" }
        return ": did you mean '\(best.name)'?"
    }

    /// " ('frames' belongs under extract)" for a known key in the wrong section.
    private static func elsewhere(_ key: String, not section: String) -> String {
        guard let home = sections.first(where: { $0.name != section && $0.keys.contains(key) }) else { return "" }
        return " ('\(key)' belongs under \(home.name))"
    }

    /// Levenshtein distance: insertions, deletions and substitutions each cost one.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
