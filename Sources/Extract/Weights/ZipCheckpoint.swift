import Shared

/// The torch >= 1.6 format: a zip archive `<prefix>/data.pkl` (the saved object, storages as persistent ids
/// `('storage', torch.FloatStorage, key, location, numel)`), `<prefix>/data/<key>` (raw storage bytes),
/// `<prefix>/version`, and in newer versions `<prefix>/byteorder`.
enum ZipCheckpoint {
    static func read(_ bytes: [UInt8]) throws -> [String: Tensor] {
        let archive = try ZipArchive(bytes)
        let names = archive.entries.map(\.name)
        if names.contains(where: { $0.hasSuffix("/constants.pkl") || $0.contains("/code/") }) {
            throw CheckpointFormatProblem("this is a TorchScript archive (torch.jit.save), not a torch.save checkpoint; load it with torch.jit.load in Python")
        }
        guard let pickleName = names.first(where: { $0.split(separator: "/").count == 2 && $0.hasSuffix("/data.pkl") }),
              let pickleEntry = archive.entry(named: pickleName)
        else {
            throw CheckpointFormatProblem("zip archive has no <prefix>/data.pkl (entries: \(names.prefix(6).joined(separator: ", ")))")
        }
        let prefix = String(pickleName.dropLast("data.pkl".count))
        if let orderEntry = archive.entry(named: prefix + "byteorder") {
            let order = String(decoding: try archive.contents(of: orderEntry), as: UTF8.self)
            guard order == "little" else { throw CheckpointFormatProblem("storages are stored \(order)-endian") }
        }

        var storageKeys: Set<String> = []
        var machine = PickleMachine(bytes: Array(try archive.contents(of: pickleEntry))) { persistentID in
            let storage = try StorageReference(persistentID: persistentID)
            storageKeys.insert(storage.key)
            return .storage(storage)
        }
        let references = try StateDict.tensorReferences(in: try machine.run())

        var storageBytes: [String: ArraySlice<UInt8>] = [:]
        for key in storageKeys {
            guard let entry = archive.entry(named: prefix + "data/" + key) else {
                throw CheckpointFormatProblem("zip archive has no record \(prefix)data/\(key) for a storage data.pkl refers to")
            }
            storageBytes[key] = try archive.contents(of: entry)
        }

        var gather = TensorGather(storageBytes: storageBytes)
        return try gather.tensors(references)
    }
}
