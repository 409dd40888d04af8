/// What the Python callables named in a torch checkpoint mean when REDUCE / NEWOBJ calls them.
/// Only tensor rebuilding and dict construction matter; everything else becomes an opaque object.
enum TorchGlobals {
    static func call(_ callable: PickleValue, arguments: PickleValue) throws -> PickleValue {
        guard case .global(let module, let name) = callable else {
            throw CheckpointFormatProblem("cannot call a \(callable.typeName)")
        }
        let args = arguments.sequenceItems ?? []
        switch (module, name) {
        case ("collections", "OrderedDict"), ("builtins", "dict"), ("__builtin__", "dict"):
            let dict = PickleDict()
            // OrderedDict(items) is how some writers pass the contents; torch passes none.
            if let pairs = args.first?.sequenceItems {
                for pair in pairs {
                    guard let kv = pair.sequenceItems, kv.count == 2 else { continue }
                    dict.set(kv[0], kv[1])
                }
            }
            return .dict(dict)
        case ("torch._utils", "_rebuild_tensor_v2"), ("torch._utils", "_rebuild_tensor"):
            // (storage, storage_offset, size, stride, [requires_grad, backward_hooks, metadata])
            return .tensor(try rebuildTensor(args, function: name))
        case ("torch._utils", "_rebuild_parameter"), ("torch._utils", "_rebuild_parameter_with_state"):
            // (data, requires_grad, backward_hooks[, state]): a Parameter is its data here.
            guard let data = args.first, case .tensor = data else {
                throw CheckpointFormatProblem("\(module).\(name) expects a tensor as its first argument")
            }
            return data
        case ("torch._utils", _) where name.hasPrefix("_rebuild_"):
            throw CheckpointFormatProblem("tensor kind \(module).\(name) (quantized, sparse or device-specific) is not supported; dequantize or move it to a dense CPU float tensor first")
        default:
            return .object(PickleObject(module: module, name: name, arguments: args))
        }
    }

    /// BUILD: sets an object's state. State dicts carry `_metadata` (module versions) this way; it is ignored.
    static func build(_ target: PickleValue, state: PickleValue) {
        if case .object(let object) = target { object.state = state }
    }

    private static func rebuildTensor(_ args: [PickleValue], function: String) throws -> TensorReference {
        guard args.count >= 4 else {
            throw CheckpointFormatProblem("\(function) needs at least 4 arguments, got \(args.count)")
        }
        guard case .storage(let storage) = args[0] else {
            throw CheckpointFormatProblem("\(function) expects a storage, got \(args[0].typeName)")
        }
        guard let offset = args[1].intValue,
              let size = args[2].sequenceItems?.compactMap(\.intValue), size.count == args[2].sequenceItems?.count,
              let stride = args[3].sequenceItems?.compactMap(\.intValue), stride.count == size.count
        else {
            throw CheckpointFormatProblem("\(function) has a malformed offset, size or stride")
        }
        return TensorReference(storage: storage, storageOffset: offset, size: size, stride: stride)
    }
}
