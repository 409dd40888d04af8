import Foundation
import Testing
@testable import Train

@Suite struct LeaderboardTests {
    private func row(_ run: String, arch: String, valAUC: Double, valLoss: Double = 0.5, testAUC: Double = 0.5) -> LeaderboardRow {
        LeaderboardRow(runDirectory: run, backbone: "mobilenetv2", frames: 32, arch: arch, seed: 42, learningRate: 1e-3,
                       epochs: 10, trainSeconds: 1, valAUC: valAUC, valAccuracy: 0.5, valLoss: valLoss,
                       testAUC: testAUC, testAccuracy: 0.5)
    }

    @Test func ranksByValidationNeverByTest() {
        let board = Leaderboard(rows: [
            row("a", arch: "gru1-fc1", valAUC: 0.70, testAUC: 0.99),
            row("b", arch: "gru2-fc2", valAUC: 0.80, testAUC: 0.60),
            row("c", arch: "gru2-fc2", valAUC: 0.80, valLoss: 0.4, testAUC: 0.55),
        ])
        #expect(board.rows.map(\.runDirectory) == ["c", "b", "a"])
        #expect(board.best?.runDirectory == "c")
        #expect(board.bestPerArch == ["c", "a"])
    }

    @Test func csvAndMarkdownMarkTheBest() {
        let board = Leaderboard(rows: [row("a", arch: "gru1-fc1", valAUC: 0.7), row("b", arch: "gru1-fc1", valAUC: 0.6)])
        let csv = board.csv().split(separator: "\n")
        #expect(csv.count == 3)
        #expect(csv[1].hasPrefix("1,overall,mobilenetv2,32,gru1-fc1"))
        #expect(csv[2].hasPrefix("2,,mobilenetv2"))
        #expect(board.markdown().contains("| 1 | overall |"))
    }
}
