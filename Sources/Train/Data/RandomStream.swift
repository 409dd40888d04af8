/// Independent random streams derived from the one seed.
enum RandomStream {
    static let split: UInt64 = 1
    static let initialization: UInt64 = 2
    static let shuffle: UInt64 = 3
    static let dropout: UInt64 = 4
}
