import Foundation
import Testing
@testable import Train

/// The lane-wise exp, sigmoid, tanh and square root against libm in double precision.
@Suite struct LanesTests {
    /// Every value of a fine grid over the range the GRU gates see, plus the clamped extremes.
    static let grid: [Float] = stride(from: -40.0, through: 40.0, by: 0.0137).map { Float($0) }
        + [-1000, -90, -87, -1e-30, 0, 1e-30, 87, 88, 1000]

    static func eachLanes(_ body: (_ input: Lanes, _ count: Int, _ offset: Int) -> Void) {
        grid.withUnsafeBufferPointer { p in
            var i = 0
            while i < p.count {
                let n = min(8, p.count - i)
                body(Lanes.load(p.baseAddress! + i, count: n), n, i)
                i += 8
            }
        }
    }

    @Test func expIsWithinThreeUlpInRange() {
        Self.eachLanes { x, n, _ in
            let y = x.laneExp()
            for k in 0..<n where x[k] >= -87 && x[k] <= 88 {
                let exact = Foundation.exp(Double(x[k]))
                #expect(abs(Double(y[k]) - exact) <= 3 * Double(Float(exact).ulp), "exp(\(x[k])) = \(y[k]), libm \(exact)")
            }
        }
    }

    @Test func sigmoidAndTanhMatchLibmAbsolutely() {
        Self.eachLanes { x, n, _ in
            let s = x.laneSigmoid(), t = x.laneTanh()
            for k in 0..<n {
                let v = Double(x[k])
                #expect(abs(Double(s[k]) - 1 / (1 + Foundation.exp(-v))) < 2e-7, "sigmoid(\(v))")
                #expect(abs(Double(t[k]) - Foundation.tanh(v)) < 3e-7, "tanh(\(v))")
                #expect(s[k].isFinite && t[k].isFinite)
            }
        }
    }

    @Test func squareRootIsCorrectlyRounded() {
        Self.eachLanes { x, n, _ in
            let magnitude = Lanes(repeating: 0) - x.replacing(with: -x, where: x .> 0)  // |x|
            let r = magnitude.laneSquareRoot()
            for k in 0..<n { #expect(r[k] == magnitude[k].squareRoot()) }
        }
    }

    @Test func partialLoadsAndStoresTouchOnlyTheirLanes() {
        var target = [Float](repeating: -1, count: 8)
        let source: [Float] = [1, 2, 3, 4, 5, 6, 7, 8]
        let v = source.withUnsafeBufferPointer { Lanes.load($0.baseAddress!, count: 3) }
        #expect(v == Lanes(1, 2, 3, 0, 0, 0, 0, 0))
        target.withUnsafeMutableBufferPointer { (v * 2).store($0.baseAddress!, count: 3) }
        #expect(target == [2, 4, 6, -1, -1, -1, -1, -1])
    }
}
