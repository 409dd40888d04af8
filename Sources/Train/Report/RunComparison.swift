import Foundation
import Shared

/// `train compare RUN_A RUN_B`: are two runs' test AUCs different beyond chance? DeLong's paired test on
/// their scores for the same test videos (scores.csv), refused when the videos differ.
public struct RunComparison: Sendable {
    public let videos: Int
    public let fakes: Int
    public let test: DeLong.PairedTest

    /// Test rows of both runs, matched by video path.
    public init(_ a: ScoresTable, _ b: ScoresTable, names: (String, String)) throws {
        let rowsA = Self.testRows(a), rowsB = Self.testRows(b)
        let onlyA = Set(rowsA.keys).subtracting(rowsB.keys), onlyB = Set(rowsB.keys).subtracting(rowsA.keys)
        guard onlyA.isEmpty, onlyB.isEmpty else {
            let example = (onlyA.sorted().first ?? onlyB.sorted().first) ?? ""
            throw PipelineError("\(names.0) and \(names.1) were tested on different videos (\(onlyA.count) only in the first, \(onlyB.count) only in the second, e.g. '\(example)'): compare runs of one dataset and split seed")
        }
        let videos = rowsA.keys.sorted()
        if let mismatch = videos.first(where: { rowsA[$0]!.label != rowsB[$0]!.label }) {
            throw PipelineError("\(names.0) and \(names.1) label test video '\(mismatch)' differently: their caches disagree; re-extract and retrain one of them")
        }
        let labels = videos.map { rowsA[$0]!.label }
        guard let test = DeLong.pairedTest(scoresA: videos.map { rowsA[$0]!.logit }, scoresB: videos.map { rowsB[$0]!.logit },
                                           labels: labels) else {
            throw PipelineError("the shared test split needs at least two real and two fake videos for DeLong's test (it has \(labels.filter { $0 == 1 }.count) fake of \(labels.count))")
        }
        self.videos = videos.count
        fakes = labels.filter { $0 == 1 }.count
        self.test = test
    }

    /// A cross-dataset evaluation of every video (split `all`) compares like a test split.
    private static func testRows(_ table: ScoresTable) -> [String: ScoresTable.Row] {
        Dictionary(table.rows.filter { $0.split == "test" || $0.split == "all" }.map { ($0.video, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The scores.csv of a run folder (or the file itself).
    public static func scores(at path: String) throws -> ScoresTable {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw PipelineError("\(path) does not exist: give a run folder under results/ (or its scores.csv)")
        }
        let url = URL(fileURLWithPath: path)
        return try ScoresTable.read(isDirectory.boolValue ? url.appendingPathComponent(ScoresTable.fileName) : url)
    }

    public func report(names: (String, String)) -> String {
        func line(_ name: String, _ auc: Double, _ variance: Double) -> String {
            String(format: "  %@: test AUC %.4f (DeLong SE %.4f)", name, auc, variance.squareRoot())
        }
        return [String(format: "compare: %d shared test videos (%d real, %d fake)", videos, videos - fakes, fakes),
                line(names.0, test.aucA, test.varianceA), line(names.1, test.aucB, test.varianceB),
                String(format: "  difference %.4f, z %.3f, p %.3g (DeLong's paired test, two-sided)",
                       test.aucA - test.aucB, test.z, test.pValue)].joined(separator: "\n")
    }
}
