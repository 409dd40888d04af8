@testable import Extract

/// The files a fuzzing session found to crash, exhaust memory or load when they should not, rebuilt exactly:
/// each is one regression test, and the small ones are also the fuzzer's committed corpus.
struct HostileCheckpoint: CustomStringConvertible, Sendable {
    /// File name in the corpus, and the test's label.
    let name: String
    let bytes: [UInt8]
    /// Words the CheckpointError must contain, so the message says what is wrong.
    let mentions: [String]

    var description: String { name }
}

enum HostileCheckpoints {
    typealias Spec = CheckpointBuilder.TensorSpec
    typealias Pickle = CheckpointBuilder.Pickle

    static let all: [HostileCheckpoint] = [
        longString(opcode: 0x8D, name: "binunicode8-length-near-int-max"),
        longString(opcode: 0x8E, name: "binbytes8-length-near-int-max"),
        tensor("size-product-overflow", Spec("w", key: "0", numel: 4, size: [1 << 32, 1 << 32], stride: [1, 1]), ["overflows"]),
        tensor("stride-overflow", Spec("w", key: "0", numel: 4, offset: 1, size: [2, 2], stride: [Int.max, 1]), ["reaches outside"]),
        tensor("negative-stride", Spec("w", key: "0", numel: 4, offset: 3, size: [4], stride: [-1]), ["negative"]),
        tensor("negative-offset", Spec("w", key: "0", numel: 4, offset: -2, size: [2], stride: [1]), ["negative"]),
        legacyView("view-offset-overflow", offset: Int.max, count: 2, ["storage '0'"]),
        legacyView("view-negative-offset", offset: -4, count: 2, ["negative"]),
        zip64Entry("zip64-size-near-int-max", Zip64Patch(size: UInt64(Int.max - 1)), ["truncated"]),
        zip64Entry("zip64-offset-near-int-max", Zip64Patch(offset: UInt64(Int.max - 1)), ["truncated"]),
        zip64Entry("zip64-negative-size", Zip64Patch(size: UInt64.max - 7), ["negative"]),
        zip64Directory(),
        redeclaredStorage(larger: "a"),
        redeclaredStorage(larger: "z"),
        selfReferencingStateDict(),
        nestedTuples(depth: 40_000),
        nestedLists(depth: 3_000),
        tensor("stride-zero-billion-elements", Spec("w", key: "0", numel: 1, size: [1_000_000_000], stride: [0]), ["larger than its storage"]),
        aliasedStorage(times: 3_000),
        foreignGlobal(),
        crcMismatch(),
        shiftedLocalHeader(),
        renamedLocalHeader(),
        nonFinite(),
    ]

    /// Hostile files small enough to commit as the fuzzer's corpus.
    static var corpus: [HostileCheckpoint] { all.filter { $0.bytes.count <= 10_000 } }

    private static func longString(opcode: UInt8, name: String) -> HostileCheckpoint {
        let object: [UInt8] = [0x80, 0x02, opcode] + CheckpointBuilder.le(UInt64(Int.max - 3), width: 8) + [0x2E]
        return HostileCheckpoint(name: name, bytes: CheckpointBuilder.legacy(object: object, storages: []), mentions: ["truncated"])
    }

    private static func tensor(_ name: String, _ spec: Spec, _ mentions: [String]) -> HostileCheckpoint {
        HostileCheckpoint(name: name, bytes: CheckpointBuilder.zip([spec]), mentions: ["'w'"] + mentions)
    }

    private static func legacyView(_ name: String, offset: Int, count: Int, _ mentions: [String]) -> HostileCheckpoint {
        var spec = Spec("w", key: "0", numel: 4, size: [2], stride: [1])
        spec.view = (offset, count)
        return HostileCheckpoint(name: name, bytes: CheckpointBuilder.legacy([spec]), mentions: mentions)
    }

    struct Zip64Patch {
        var size: UInt64?
        var offset: UInt64?
    }

    private static func zip64Entry(_ name: String, _ patch: Zip64Patch, _ mentions: [String]) -> HostileCheckpoint {
        let specs = [Spec("w", key: "0", numel: 4, size: [4], stride: [1])]
        let entries = CheckpointBuilder.zipEntries(object: Pickle.stateDict(specs, legacy: false), storages: CheckpointBuilder.storages(specs))
        var writer = ZipWriter(entries: entries, zip64: true)
        writer.overrides["archive/data/0"] = ZipWriter.Zip64Override(size: patch.size, offset: patch.offset)
        return HostileCheckpoint(name: name, bytes: writer.bytes, mentions: mentions)
    }

    private static func zip64Directory() -> HostileCheckpoint {
        let specs = [Spec("w", key: "0", numel: 4, size: [4], stride: [1])]
        let entries = CheckpointBuilder.zipEntries(object: Pickle.stateDict(specs, legacy: false), storages: CheckpointBuilder.storages(specs))
        var writer = ZipWriter(entries: entries, zip64: true)
        writer.endOverride = (4, UInt64(Int.max), UInt64(Int.max))
        return HostileCheckpoint(name: "zip64-directory-near-int-max", bytes: writer.bytes, mentions: ["central directory"])
    }

    /// One storage key declared with 4 elements and again with a million; either may be decoded first.
    private static func redeclaredStorage(larger name: String) -> HostileCheckpoint {
        let small = Spec(name == "a" ? "z" : "a", key: "0", numel: 4, size: [4], stride: [1])
        let large = Spec(name, key: "0", numel: 1_000_000, size: [1_000_000], stride: [1])
        return HostileCheckpoint(name: "storage-redeclared-larger-\(name)", bytes: CheckpointBuilder.zip([small, large]),
                                 mentions: ["'\(name)'", "holds 4 FloatStorage elements"])
    }

    /// d = OrderedDict(); d['state_dict'] = d
    private static func selfReferencingStateDict() -> HostileCheckpoint {
        var pickle = Pickle()
        pickle.orderedDict()
        pickle.bytes += [0x71, 0]  // BINPUT 0
        pickle.string("state_dict")
        pickle.bytes += [0x68, 0]  // BINGET 0
        pickle.op(0x73)  // SETITEM
        pickle.stop()
        return HostileCheckpoint(name: "self-referencing-state-dict", bytes: CheckpointBuilder.zip(object: pickle.bytes, storages: []),
                                 mentions: ["self-referencing"])
    }

    private static func nestedTuples(depth: Int) -> HostileCheckpoint {
        let object: [UInt8] = [0x80, 0x02, 0x29] + [UInt8](repeating: 0x85, count: depth) + [0x2E]
        return HostileCheckpoint(name: "nested-tuples-\(depth)", bytes: CheckpointBuilder.legacy(object: object, storages: []),
                                 mentions: ["nest more than \(PickleMachine.maxNesting) deep"])
    }

    /// [[[...]]]: all lists pushed first, then each appended into the one below it.
    private static func nestedLists(depth: Int) -> HostileCheckpoint {
        let object: [UInt8] = [0x80, 0x02] + [UInt8](repeating: 0x5D, count: depth) + [UInt8](repeating: 0x61, count: depth - 1) + [0x2E]
        return HostileCheckpoint(name: "nested-lists-\(depth)", bytes: CheckpointBuilder.zip(object: object, storages: []),
                                 mentions: ["nest more than"])
    }

    private static func aliasedStorage(times: Int) -> HostileCheckpoint {
        let specs = (0..<times).map { Spec("w\($0)", key: "0", numel: 64, size: [64], stride: [1]) }
        return HostileCheckpoint(name: "storage-aliased-\(times)-times", bytes: CheckpointBuilder.zip(specs), mentions: ["aliased"])
    }

    /// {'w': os.system('true')}
    private static func foreignGlobal() -> HostileCheckpoint {
        var pickle = Pickle()
        pickle.op(0x7D)
        pickle.string("w")
        pickle.global("os", "system")
        pickle.string("true")
        pickle.op(0x85)  // TUPLE1
        pickle.op(0x52)  // REDUCE
        pickle.op(0x73)
        pickle.stop()
        return HostileCheckpoint(name: "global-os-system", bytes: CheckpointBuilder.zip(object: pickle.bytes, storages: []),
                                 mentions: ["os.system"])
    }

    private static let plainSpecs = [Spec("w", key: "0", numel: 8, size: [8], stride: [1])]

    /// One stored weight byte changed after the CRC was written.
    private static func crcMismatch() -> HostileCheckpoint {
        var bytes = CheckpointBuilder.zip(plainSpecs)
        let data = firstIndex(of: Array("archive/data/0".utf8), in: bytes)! + "archive/data/0".utf8.count
        bytes[data + 5] ^= 0x40
        return HostileCheckpoint(name: "zip-crc-mismatch", bytes: bytes, mentions: ["CRC-32", "archive/data/0"])
    }

    /// The local header's extra length grown by 4, so its data appears to start 4 bytes later.
    private static func shiftedLocalHeader() -> HostileCheckpoint {
        var bytes = CheckpointBuilder.zip(plainSpecs)
        let name = firstIndex(of: Array("archive/data/0".utf8), in: bytes)!
        bytes[name - 2] = 4
        return HostileCheckpoint(name: "zip-local-header-shifted", bytes: bytes, mentions: ["archive/data/0"])
    }

    /// The local header names another entry than the directory does.
    private static func renamedLocalHeader() -> HostileCheckpoint {
        var bytes = CheckpointBuilder.zip(plainSpecs)
        let name = firstIndex(of: Array("archive/data/0".utf8), in: bytes)!
        bytes[name + 13] = UInt8(ascii: "7")
        return HostileCheckpoint(name: "zip-local-name-disagrees", bytes: bytes, mentions: ["local header"])
    }

    private static func nonFinite() -> HostileCheckpoint {
        let specs = [Spec("good", key: "0", numel: 2, size: [2], stride: [1]), Spec("bad.weight", key: "1", numel: 4, size: [4], stride: [1])]
        let storages: [(key: String, bytes: [UInt8])] = [("0", CheckpointBuilder.floats([1, 2])), ("1", CheckpointBuilder.floats([.nan, 1, .infinity, -.infinity]))]
        return HostileCheckpoint(name: "non-finite-weights", bytes: CheckpointBuilder.zip(object: Pickle.stateDict(specs, legacy: false), storages: storages),
                                 mentions: ["'bad.weight'", "3 non-finite"])
    }

    static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        return (0...(haystack.count - needle.count)).first { Array(haystack[$0..<$0 + needle.count]) == needle }
    }
}
