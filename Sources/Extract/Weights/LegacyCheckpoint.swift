import Shared

/// The pre-1.6 torch.save format: a run of pickles followed by raw storages.
///   magic number pickle, protocol version pickle (1001), sys_info pickle,
///   the saved object (storages as persistent ids), a pickle of the storage keys,
///   then per key in that order: int64 element count, element bytes.
enum LegacyCheckpoint {
    /// 0x1950a86a20f9469cfc6c as pickled by LONG1: little-endian bytes.
    static let magicNumber: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]
    static let protocolVersion = 1001

    /// True when the bytes begin with a protocol-2 pickle of the legacy magic number.
    static func matches(_ bytes: [UInt8]) -> Bool {
        // PROTO 2, LONG1 10, <magic>
        let prefix: [UInt8] = [0x80, 0x02, 0x8A, 0x0A] + magicNumber
        return bytes.count >= prefix.count && Array(bytes[0..<prefix.count]) == prefix
    }

    static func read(_ bytes: [UInt8]) throws -> [String: Tensor] {
        // Every storage the pickle names, tensors of the state_dict or not, so all can be skipped by size.
        var storageTypes: [String: StorageType] = [:]
        var machine = PickleMachine(bytes: bytes) { persistentID in
            let storage = try StorageReference(persistentID: persistentID)
            if let type = storageTypes.updateValue(storage.type, forKey: storage.key), type != storage.type {
                throw CheckpointFormatProblem("storage '\(storage.key)' is declared both as \(type.rawValue) and as \(storage.type.rawValue)")
            }
            return .storage(storage)
        }
        guard case .bigInt(let magic) = try machine.run(), magic == magicNumber else {
            throw CheckpointFormatProblem("legacy magic number is wrong")
        }
        guard case .int(let version) = try machine.run(), version == protocolVersion else {
            throw CheckpointFormatProblem("legacy protocol version is not \(protocolVersion)")
        }
        let systemInfo = try machine.run()
        if case .dict(let info) = systemInfo, case .bool(false)? = info.value(forKey: "little_endian") {
            throw CheckpointFormatProblem("the file was written on a big-endian machine")
        }
        let saved = try machine.run()
        let references = try StateDict.tensorReferences(in: saved)

        guard let keys = try machine.run().sequenceItems?.map({ $0.stringValue ?? $0.intValue.map(String.init) ?? "?" }) else {
            throw CheckpointFormatProblem("legacy storage key list is not a list")
        }
        var reader = ByteReader(bytes, offset: machine.offset)
        var storageBytes: [String: ArraySlice<UInt8>] = [:]
        for key in keys {
            let count = try reader.int64()
            guard let bytesPerElement = storageTypes[key]?.bytesPerElement else {
                throw CheckpointFormatProblem("storage key '\(key)' is listed but no persistent id in the pickle names it")
            }
            guard count >= 0, count <= reader.remaining / bytesPerElement else {
                throw CheckpointFormatProblem("file is truncated: storage '\(key)' declares \(count) elements at offset \(reader.offset - 8), only \(reader.remaining) bytes remain")
            }
            guard storageBytes.updateValue(try reader.slice(count * bytesPerElement), forKey: key) == nil else {
                throw CheckpointFormatProblem("storage key '\(key)' is listed twice")
            }
        }

        var gather = TensorGather(storageBytes: storageBytes)
        return try gather.tensors(references)
    }
}
