import Foundation
import Shared

/// scores.csv of a run: every video of the cache with its label, the split it was in and the kept head's
/// score, so metrics can be recomputed, thresholds re-chosen and runs compared video by video.
/// Columns: video, label (0 real, 1 fake), split (train, val, test; `all` in a cross-dataset evaluation of
/// every video), score (probability of fake), logit.
public struct ScoresTable: Sendable, Equatable {
    public static let fileName = "scores.csv"
    public static let header = "video,label,split,score,logit"

    public struct Row: Sendable, Equatable {
        public var video: String
        public var label: Int
        public var split: String
        public var score: Float
        public var logit: Float
    }

    public var rows: [Row]

    public init(rows: [Row]) { self.rows = rows }

    init(videoIDs: [String], labels: [Int], split: SplitPlan, evaluations: (Evaluation, Evaluation, Evaluation)) {
        var rows: [Row] = []
        for (name, indices, evaluation) in [("train", split.train, evaluations.0), ("val", split.validation, evaluations.1),
                                            ("test", split.test, evaluations.2)] {
            for (k, index) in indices.enumerated() {
                rows.append(Row(video: videoIDs[index], label: labels[index], split: name,
                                score: evaluation.probabilities[k], logit: evaluation.logits[k]))
            }
        }
        self.rows = rows.sorted { $0.video < $1.video }
    }

    public func csv() -> String {
        var lines = [Self.header]
        for row in rows {
            // %.9g: every float32 reads back exactly.
            lines.append([Self.quoted(row.video), String(row.label), row.split, String(format: "%.9g", row.score),
                          String(format: "%.9g", row.logit)].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A field with a comma, quote or line break is quoted, its quotes doubled (RFC 4180).
    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Reads a scores.csv, refusing anything malformed with a line naming the file and row.
    public static func read(_ url: URL) throws -> ScoresTable {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw PipelineError("cannot read \(url.path): give a run folder that has a scores.csv (runs trained with this version)")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        guard lines.first == header else {
            throw PipelineError("\(url.path) does not start with the header '\(header)': it is not a scores.csv written by train")
        }
        lines.removeFirst()
        return ScoresTable(rows: try lines.enumerated().map { number, line in
            let fields = fieldsOf(line)
            guard fields.count == 5, let label = Int(fields[1]), label == 0 || label == 1, ["train", "val", "test", "all"].contains(fields[2]),
                  let score = Float(fields[3]), let logit = Float(fields[4]), score.isFinite, logit.isFinite else {
                throw PipelineError("\(url.path) line \(number + 2) is not 'video,label(0|1),split(train|val|test|all),score,logit' with finite numbers")
            }
            return Row(video: fields[0], label: label, split: fields[2], score: score, logit: logit)
        })
    }

    /// Splits one CSV line, honouring quoted fields.
    static func fieldsOf(_ line: String) -> [String] {
        var fields: [String] = [], current = "", quoted = false
        var characters = Array(line)[...]
        while let c = characters.popFirst() {
            if quoted {
                if c == "\"" {
                    if characters.first == "\"" { current.append("\""); characters.removeFirst() } else { quoted = false }
                } else { current.append(c) }
            } else if c == "\"" { quoted = true } else if c == "," { fields.append(current); current = "" } else { current.append(c) }
        }
        fields.append(current)
        return fields
    }
}
