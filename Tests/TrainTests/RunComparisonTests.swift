import Foundation
import Testing
import Shared
@testable import Train

/// `train compare`: DeLong's paired test on two runs' scores.csv, checked against the numpy reference's
/// z and p (Fixtures/metrics_reference.json), and refused when the runs were tested on different videos.
@Suite struct RunComparisonTests {
    /// The reference's paired case as two scores.csv tables, rows shuffled differently, plus train rows.
    static func tables(_ p: MetricsReferenceTests.Paired) -> (ScoresTable, ScoresTable) {
        func table(_ scores: [Float], reversed: Bool) -> ScoresTable {
            var rows = scores.indices.map { i in
                ScoresTable.Row(video: "v\(i),x.mp4", label: p.labels[i], split: "test", score: scores[i], logit: scores[i])
            }
            if reversed { rows.reverse() }
            rows.append(.init(video: "train-only.mp4", label: 1, split: "train", score: 0.5, logit: 0))
            return ScoresTable(rows: rows)
        }
        return (table(p.scores_a, reversed: false), table(p.scores_b, reversed: true))
    }

    @Test(arguments: MetricsReferenceTests.fixture.paired.map(\.name)) func matchesTheReference(_ name: String) throws {
        let p = try #require(MetricsReferenceTests.fixture.paired.first { $0.name == name })
        let (a, b) = Self.tables(p)
        let comparison = try RunComparison(a, b, names: ("A", "B"))
        #expect(comparison.videos == p.labels.count)
        #expect(abs(comparison.test.z - p.z) < 1e-9 && abs(comparison.test.pValue - p.p_value) < 1e-12 + 1e-9 * p.p_value)
        #expect(comparison.report(names: ("A", "B")).contains(String(format: "z %.3f", p.z)))
    }

    @Test func differentTestVideosAreRefused() throws {
        let p = MetricsReferenceTests.fixture.paired[0]
        var (a, b) = Self.tables(p)
        b.rows[0].video = "elsewhere.mp4"
        let error = #expect(throws: PipelineError.self) { try RunComparison(a, b, names: ("A", "B")) }
        #expect(error?.description.contains("different videos (1 only in the first, 1 only in the second") == true)
        (a, b) = Self.tables(p)
        b.rows[0].label = 1 - b.rows[0].label
        #expect(throws: PipelineError.self) { try RunComparison(a, b, names: ("A", "B")) }
    }

    @Test func scoresCSVRoundTripsQuotedPathsExactly() throws {
        let (a, _) = Self.tables(MetricsReferenceTests.fixture.paired[1])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("scores-\(UUID().uuidString).csv")
        try a.csv().write(to: url, atomically: true, encoding: .utf8)
        #expect(try ScoresTable.read(url) == a)
        try "video,label,split,score,logit\nx.mp4,2,test,0.5,0\n".write(to: url, atomically: true, encoding: .utf8)
        let error = #expect(throws: PipelineError.self) { try ScoresTable.read(url) }
        #expect(error?.description.contains("line 2") == true)
    }
}
