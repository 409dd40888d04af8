/// What the Python callables named in a torch checkpoint mean when REDUCE / NEWOBJ calls them.
/// A checkpoint is untrusted input, so only the globals a plain state_dict needs may be named at all;
/// anything else (os.system, a model class, argparse.Namespace) is refused where the pickle names it.
enum TorchGlobals {
    /// Callables this reader implements; storage classes (StorageType) are the other allowed globals.
    static let allowedCalls: Set<String> = [
        "collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor",
        "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state",
    ]

    /// GLOBAL / STACK_GLOBAL: the named global, or an error for one outside the allow-list.
    static func resolve(module: String, name: String) throws -> PickleValue {
        let qualified = "\(module).\(name)"
        if allowedCalls.contains(qualified) || StorageType(module: module, name: name) != nil {
            return .global(module: module, name: name)
        }
        if module == "torch._utils", name.hasPrefix("_rebuild_") {
            throw CheckpointFormatProblem("tensor kind \(qualified) (quantized, sparse or device-specific) is not supported; dequantize or move it to a dense CPU float tensor first")
        }
        throw CheckpointFormatProblem("the pickle names the global \(qualified.prefix(120)), which a state_dict never needs (allowed: \(allowedCalls.sorted().joined(separator: ", ")) and torch storage classes); the file may be hostile or hold more than tensors")
    }

    static func call(_ callable: PickleValue, arguments: PickleValue, copyBudget: inout Int) throws -> PickleValue {
        guard case .global(let module, let name) = callable else {
            throw CheckpointFormatProblem("cannot call a \(callable.typeName)")
        }
        let args = arguments.sequenceItems ?? []
        switch (module, name) {
        case ("collections", "OrderedDict"):
            return .dict(try orderedDict(args, copyBudget: &copyBudget))
        case ("torch._utils", "_rebuild_tensor_v2"), ("torch._utils", "_rebuild_tensor"):
            // (storage, storage_offset, size, stride, [requires_grad, backward_hooks, metadata])
            return .tensor(try rebuildTensor(args, function: name))
        case ("torch._utils", "_rebuild_parameter"), ("torch._utils", "_rebuild_parameter_with_state"):
            // (data, requires_grad, backward_hooks[, state]): a Parameter is its data here.
            guard let data = args.first, case .tensor = data else {
                throw CheckpointFormatProblem("\(module).\(name) expects a tensor as its first argument")
            }
            return data
        default:
            throw CheckpointFormatProblem("cannot call \(module).\(name)")
        }
    }

    /// BUILD: sets an object's state. State dicts carry `_metadata` (module versions) this way; it is ignored.
    static func build(_ target: PickleValue, state: PickleValue) throws {
        switch target {
        case .dict, .tensor: return
        default: throw CheckpointFormatProblem("BUILD sets the state of a \(target.typeName), which a state_dict never does")
        }
    }

    /// OrderedDict(items) is how Python 2 writers pass the contents; torch on Python 3 passes none.
    private static func orderedDict(_ args: [PickleValue], copyBudget: inout Int) throws -> PickleDict {
        let dict = PickleDict()
        guard let pairs = args.first?.sequenceItems else { return dict }
        copyBudget -= pairs.count
        guard copyBudget >= 0 else {
            throw CheckpointFormatProblem("OrderedDict calls copy more items than the pickle holds bytes")
        }
        for pair in pairs {
            guard let kv = pair.sequenceItems, kv.count == 2 else { continue }
            dict.set(kv[0], kv[1])
        }
        return dict
    }

    /// Tensors have at most this many dimensions (torch allows 64), which bounds what one call copies.
    private static let maxRank = 64

    private static func rebuildTensor(_ args: [PickleValue], function: String) throws -> TensorReference {
        guard args.count >= 4 else {
            throw CheckpointFormatProblem("\(function) needs at least 4 arguments, got \(args.count)")
        }
        guard case .storage(let storage) = args[0] else {
            throw CheckpointFormatProblem("\(function) expects a storage, got \(args[0].typeName)")
        }
        guard let offset = args[1].intValue, let sizeItems = args[2].sequenceItems, let strideItems = args[3].sequenceItems,
              sizeItems.count <= maxRank, strideItems.count == sizeItems.count
        else {
            throw CheckpointFormatProblem("\(function) has a malformed offset, size or stride")
        }
        let size = sizeItems.compactMap(\.intValue)
        let stride = strideItems.compactMap(\.intValue)
        guard size.count == sizeItems.count, stride.count == size.count else {
            throw CheckpointFormatProblem("\(function) has a size or stride that is not all integers")
        }
        return TensorReference(storage: storage, storageOffset: offset, size: size, stride: stride)
    }
}
