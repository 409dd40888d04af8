import Shared
@testable import Extract

/// Deterministic, seeded mutations of checkpoint files for the fuzz test: bit flips, byte inserts and deletes,
/// length fields set to huge or negative values, truncation, chunk copies and splices between seeds.
/// Zip seeds are also mutated inside an entry and re-zipped with true CRCs, so the pickle and storages are
/// reached past the CRC check.
struct CheckpointMutator {
    /// A seed file; zip seeds keep their entries so an entry can be mutated and the archive rebuilt.
    struct Seed {
        let name: String
        let bytes: [UInt8]
        var entries: [ZipWriter.Entry]? = nil
        var zip64 = false
    }

    let seeds: [Seed]
    var random: SplitMix64

    /// Values that break length and offset arithmetic: zero, one, sign and width boundaries, near Int.max.
    private static let interesting: [UInt64] = [
        0, 1, 2, 0x7F, 0x80, 0xFF, 0x7FFF, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000,
        UInt64(Int.max), UInt64(Int.max) - 1, UInt64(Int.max) - 7, 1 << 62, UInt64.max, UInt64.max - 1, 1_000_000_000,
    ]

    /// Opcodes worth inserting: containers, memo and calls, where the machine's state is most delicate.
    private static let opcodes: [UInt8] = [0x28, 0x29, 0x74, 0x85, 0x86, 0x87, 0x5D, 0x61, 0x65, 0x7D, 0x73, 0x75,
                                           0x52, 0x62, 0x51, 0x68, 0x71, 0x94, 0x32, 0x30, 0x31, 0x8D, 0x8E, 0x2E]

    /// The next input: one seed, mutated once (half the time), twice (a quarter), ... up to four times.
    mutating func next() -> [UInt8] {
        let seed = seeds[random.nextInt(below: seeds.count)]
        if var entries = seed.entries, random.nextInt(below: 4) != 0 {
            let index = random.nextInt(below: 3) == 0 ? random.nextInt(below: entries.count) : 0  // mostly data.pkl
            entries[index].data = mutated(entries[index].data)
            return ZipWriter(entries: entries, zip64: seed.zip64).bytes
        }
        return mutated(seed.bytes)
    }

    private mutating func mutated(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        var rounds = 1
        while rounds < 4, random.nextInt(below: 2) == 0 { rounds += 1 }
        for _ in 0..<rounds { mutate(&bytes) }
        return bytes
    }

    private mutating func mutate(_ bytes: inout [UInt8]) {
        let position = bytes.isEmpty ? 0 : random.nextInt(below: bytes.count)
        switch random.nextInt(below: 9) {
        case 0 where !bytes.isEmpty:
            bytes[position] ^= 1 << UInt8(random.nextInt(below: 8))
        case 1 where !bytes.isEmpty:
            bytes[position] = UInt8(truncatingIfNeeded: Self.interesting[random.nextInt(below: Self.interesting.count)])
        case 2:
            let width = [2, 4, 8][random.nextInt(below: 3)]
            var value = Self.interesting[random.nextInt(below: Self.interesting.count)]
            if random.nextInt(below: 4) == 0 { value = ~value &+ 1 }  // negative
            for index in 0..<width where position + index < bytes.count {
                bytes[position + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(index)))
            }
        case 3:
            bytes.insert(contentsOf: (0...random.nextInt(below: 8)).map { _ in UInt8(truncatingIfNeeded: random.next()) }, at: position)
        case 4 where !bytes.isEmpty:
            bytes.removeSubrange(position..<min(bytes.count, position + 1 + random.nextInt(below: 16)))
        case 5:
            bytes.removeSubrange(position...)
        case 6 where !bytes.isEmpty:
            let length = 1 + random.nextInt(below: min(64, bytes.count - position))
            bytes.insert(contentsOf: bytes[position..<position + length], at: random.nextInt(below: bytes.count))
        case 7:
            let other = seeds[random.nextInt(below: seeds.count)].bytes
            let cut = other.isEmpty ? 0 : random.nextInt(below: other.count)
            bytes = Array(bytes[..<position]) + other[cut...]
        default:
            bytes.insert(Self.opcodes[random.nextInt(below: Self.opcodes.count)], at: position)
        }
    }
}
