import Testing
import Shared
@testable import Extract

@Suite struct ElementwiseActivationTests {
    /// Each value through the scalar definition, the map's shape kept and the original left alone.
    @Test func activatesEveryValueOfACopy() {
        let input = TestRandom.map(batch: 2, height: 3, width: 5, channels: 7, seed: 11)
        for activation in [Activation.identity, .relu, .relu6] {
            let output = input.activated(activation)
            #expect(output.batch == 2 && output.height == 3 && output.width == 5 && output.channels == 7)
            #expect(output.data == input.data.map { activation == .relu6 ? min(max($0, 0), 6)
                                                    : activation == .relu ? max($0, 0) : $0 })
        }
        #expect(input.data.contains { $0 < 0 })
    }
}
