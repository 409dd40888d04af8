import Foundation
import Shared
@testable import Extract

/// Writes small checkpoints byte by byte in both torch formats, so hostile variants can be built exactly:
/// the regression tests, the fuzzer's seeds and the committed corpus all come from here.
enum CheckpointBuilder {
    /// One tensor of a state_dict and the persistent id of the storage it views.
    struct TensorSpec {
        var name: String
        var key: String
        var storageType = "FloatStorage"
        /// numel as the persistent id declares it.
        var numel: Int
        var offset = 0
        var size: [Int]
        var stride: [Int]
        /// Legacy storage view metadata (offset, numel) in the persistent id.
        var view: (offset: Int, count: Int)?

        init(_ name: String, key: String, numel: Int, offset: Int = 0, size: [Int], stride: [Int]) {
            self.name = name
            self.key = key
            self.numel = numel
            self.offset = offset
            self.size = size
            self.stride = stride
        }
    }

    /// A pickle under construction, protocol 2, opcode by opcode.
    struct Pickle {
        var bytes: [UInt8] = [0x80, 0x02]

        mutating func op(_ code: UInt8) { bytes.append(code) }
        mutating func mark() { op(0x28) }
        mutating func stop() { op(0x2E) }

        mutating func int(_ value: Int) {
            if let small = Int32(exactly: value) {
                op(0x4A)
                bytes += le(UInt64(UInt32(bitPattern: small)), width: 4)
            } else {
                op(0x8A)  // LONG1 with 8 bytes
                bytes += [8] + le(UInt64(bitPattern: Int64(value)), width: 8)
            }
        }

        mutating func string(_ text: String) {
            op(0x58)
            bytes += le(UInt64(text.utf8.count), width: 4) + Array(text.utf8)
        }

        mutating func global(_ module: String, _ name: String) {
            op(0x63)
            bytes += Array("\(module)\n\(name)\n".utf8)
        }

        /// collections.OrderedDict(), as torch pickles an empty dict-like.
        mutating func orderedDict() {
            global("collections", "OrderedDict")
            op(0x29)  // EMPTY_TUPLE
            op(0x52)  // REDUCE
        }

        mutating func tuple(_ values: [Int]) {
            mark()
            for value in values { int(value) }
            op(0x74)
        }

        /// torch._utils._rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict()).
        mutating func tensor(_ spec: TensorSpec, legacy: Bool) {
            global("torch._utils", "_rebuild_tensor_v2")
            mark()
            mark()
            string("storage")
            global("torch", spec.storageType)
            string(spec.key)
            string("cpu")
            int(spec.numel)
            if legacy {
                if let view = spec.view {
                    mark(); string(spec.key + "v"); int(view.offset); int(view.count); op(0x74)
                } else {
                    op(0x4E)  // NONE
                }
            }
            op(0x74)  // TUPLE
            op(0x51)  // BINPERSID
            int(spec.offset)
            tuple(spec.size)
            tuple(spec.stride)
            op(0x89)  // NEWFALSE
            orderedDict()
            op(0x74)
            op(0x52)
        }

        /// An OrderedDict of the tensors, then STOP.
        static func stateDict(_ specs: [TensorSpec], legacy: Bool) -> [UInt8] {
            var pickle = Pickle()
            pickle.orderedDict()
            pickle.mark()
            for spec in specs {
                pickle.string(spec.name)
                pickle.tensor(spec, legacy: legacy)
            }
            pickle.op(0x75)  // SETITEMS
            pickle.stop()
            return pickle.bytes
        }
    }

    static func le(_ value: UInt64, width: Int) -> [UInt8] {
        (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }

    static func floats(_ values: [Float]) -> [UInt8] {
        values.flatMap { le(UInt64($0.bitPattern), width: 4) }
    }

    /// Raw storages by key for the specs: each key holds `numel` float32 values 0.5, 1.5, ...
    static func storages(_ specs: [TensorSpec]) -> [(key: String, bytes: [UInt8])] {
        var seen: Set<String> = []
        return specs.compactMap { spec in
            guard seen.insert(spec.key).inserted else { return nil }
            return (spec.key, floats((0..<max(0, min(spec.numel, 4096))).map { Float($0) + 0.5 }))
        }
    }

    // MARK: legacy format

    /// Magic number, protocol version and sys_info pickles, as torch < 1.6 writes them before the object.
    static var legacyHeader: [UInt8] {
        var bytes: [UInt8] = [0x80, 0x02, 0x8A, 0x0A] + LegacyCheckpoint.magicNumber + [0x2E]
        var version = Pickle()
        version.int(LegacyCheckpoint.protocolVersion)
        version.stop()
        var info = Pickle()
        info.op(0x7D)  // EMPTY_DICT
        info.string("little_endian")
        info.op(0x88)  // NEWTRUE
        info.op(0x73)  // SETITEM
        info.stop()
        bytes += version.bytes + info.bytes
        return bytes
    }

    /// A legacy file: header, `object` (a whole pickle), the storage key list, then each storage.
    static func legacy(object: [UInt8], storages: [(key: String, bytes: [UInt8])], elementSize: Int = 4) -> [UInt8] {
        var keys = Pickle()
        keys.mark()
        for storage in storages { keys.string(storage.key) }
        keys.op(0x6C)  // LIST
        keys.stop()
        var bytes = legacyHeader + object + keys.bytes
        for storage in storages {
            bytes += le(UInt64(storage.bytes.count / elementSize), width: 8) + storage.bytes
        }
        return bytes
    }

    static func legacy(_ specs: [TensorSpec]) -> [UInt8] {
        legacy(object: Pickle.stateDict(specs, legacy: true), storages: storages(specs))
    }

    // MARK: zip format

    /// The entries torch.save writes for a pickle and its storages, under `prefix`.
    static func zipEntries(object: [UInt8], storages: [(key: String, bytes: [UInt8])], prefix: String = "archive")
        -> [ZipWriter.Entry] {
        [ZipWriter.Entry(name: prefix + "/data.pkl", data: object), ZipWriter.Entry(name: prefix + "/byteorder", data: Array("little".utf8))]
            + storages.map { ZipWriter.Entry(name: prefix + "/data/" + $0.key, data: $0.bytes) }
            + [ZipWriter.Entry(name: prefix + "/version", data: Array("3\n".utf8))]
    }

    static func zip(object: [UInt8], storages: [(key: String, bytes: [UInt8])], zip64: Bool = false) -> [UInt8] {
        ZipWriter(entries: zipEntries(object: object, storages: storages), zip64: zip64).bytes
    }

    static func zip(_ specs: [TensorSpec], zip64: Bool = false) -> [UInt8] {
        zip(object: Pickle.stateDict(specs, legacy: false), storages: storages(specs), zip64: zip64)
    }

    /// A small valid state_dict: a contiguous weight, a transposed matrix, a bias sharing the weight's storage.
    static let tinySpecs = [
        TensorSpec("conv.weight", key: "0", numel: 24, size: [2, 3, 2, 2], stride: [12, 4, 2, 1]),
        TensorSpec("fc.weight", key: "1", numel: 6, size: [3, 2], stride: [1, 3]),
        TensorSpec("conv.bias", key: "0", numel: 24, offset: 20, size: [2], stride: [1]),
    ]
}

extension CheckpointBuilder {
    /// A zip checkpoint (torch >= 1.6 layout) holding these tensors' real values, one storage each: a state dict
    /// as a newer torch would save it, with other bytes (and so another SHA-256) than the published file.
    static func zip(tensors: [String: Shared.Tensor]) -> [UInt8] {
        let named = tensors.sorted { $0.key < $1.key }
        let specs = named.enumerated().map { index, entry in
            let shape = entry.value.shape
            let strides = shape.indices.map { shape[($0 + 1)...].reduce(1, *) }
            return TensorSpec(entry.key, key: "\(index)", numel: entry.value.data.count, size: shape, stride: strides)
        }
        let storages = named.enumerated().map { index, entry in ("\(index)", floats(entry.value.data)) }
        return zip(object: Pickle.stateDict(specs, legacy: false), storages: storages)
    }
}
