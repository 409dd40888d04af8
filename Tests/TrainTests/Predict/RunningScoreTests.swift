import Testing
@testable import Train

/// The running score after step t is the head's score on the frames up to t: checked against running the
/// head on the sequence physically cut after t, and at the last valid frame against the video's score.
@Suite struct RunningScoreTests {
    static let architectures = ["gru1-fc1", "lstm1-fc1", "bigru1-fc1", "avg-fc1", "gru1-attn-fc1", "gru(8)-bn-gru(4)-fc(4)", "attn-fc(3)"]
    let features = 5
    /// A leading unread slot (no face), one in the middle and two padding slots at the end.
    let mask: [Float] = [0, 1, 1, 0, 1, 1, 0, 0]

    private func sequence(seed: UInt64) -> Activations {
        var random = SeededRandom(seed: seed)
        let values = (0..<(mask.count * features)).map { _ in Float(random.nextUniform()) * 4 - 2 }
        return Activations(values: values, mask: mask, batch: 1, steps: mask.count, features: features)
    }

    @Test(arguments: architectures) func eachPrefixScoresAsTheCutSequence(_ architecture: String) throws {
        var random = SeededRandom(seed: 11)
        let head = try Head(architecture: architecture, inputDim: features, random: &random)
        let input = sequence(seed: 5)
        let running = head.runningScores(input)
        #expect(running.count == mask.count)
        #expect(running[0] == nil, "nothing has been read before the first valid frame")
        for step in 1..<mask.count {
            let cut = Activations(values: Array(input.values.prefix((step + 1) * features)), mask: Array(mask.prefix(step + 1)),
                                  batch: 1, steps: step + 1, features: features)
            let expected = head.predict(cut)[0]
            let score = try #require(running[step], "\(architecture) step \(step)")
            #expect(abs(score - expected) < 1e-5, "\(architecture) step \(step): \(score) vs cut \(expected)")
        }
    }

    @Test(arguments: architectures) func theLastValidFrameGivesTheVideoScoreExactly(_ architecture: String) throws {
        var random = SeededRandom(seed: 12)
        let head = try Head(architecture: architecture, inputDim: features, random: &random)
        let input = sequence(seed: 6)
        let running = head.runningScores(input)
        let video = head.predict(input)[0]
        let lastValid = try #require(mask.lastIndex(of: 1))
        for step in lastValid..<mask.count { #expect(running[step] == video, "\(architecture) step \(step)") }
        // The score moves as frames are read: a running score that ignored the prefix would be constant.
        let distinct = Set(running.compactMap { $0 })
        #expect(distinct.count > 1, "\(architecture): \(running)")
    }
}
