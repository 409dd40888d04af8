/// SplitMix64 (Steele, Lea, Flood 2014): a tiny seeded generator whose output is the same on every
/// machine and Swift version, unlike SystemRandomNumberGenerator or the standard library's shuffle.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in 0..<bound from the high half of next() * bound (bias below 2^-64 * bound, irrelevant here).
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        return Int(UInt64(bound).multipliedFullWidth(by: next()).high)
    }

    /// Fisher-Yates from the back, spelled out so the order never depends on the standard library.
    public mutating func shuffle<Element>(_ items: inout [Element]) {
        var index = items.count - 1
        while index > 0 {
            items.swapAt(index, nextInt(below: index + 1))
            index -= 1
        }
    }
}
