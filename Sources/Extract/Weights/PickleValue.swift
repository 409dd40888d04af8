/// A Python object as the unpickler rebuilds it: just enough of Python's object model for torch checkpoints.
/// Lists, dicts and generic objects are reference types because pickle's memo shares them by identity
/// (a container is memoised before its items are appended).
indirect enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    /// An integer wider than 64 bits (LONG1/LONG4): little-endian two's complement bytes.
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple([PickleValue])
    case list(PickleList)
    case dict(PickleDict)
    /// A class or function named by GLOBAL / STACK_GLOBAL, not yet called.
    case global(module: String, name: String)
    /// A storage named by a persistent id; its bytes live outside the pickle.
    case storage(StorageReference)
    /// A tensor view of a storage (what torch._utils._rebuild_tensor_v2 returns).
    case tensor(TensorReference)
    /// Any other object: the callable that built it, its arguments, and its BUILD state.
    case object(PickleObject)

    var typeName: String {
        switch self {
        case .none: "None"
        case .bool: "bool"
        case .int, .bigInt: "int"
        case .float: "float"
        case .string: "str"
        case .bytes: "bytes"
        case .tuple: "tuple"
        case .list: "list"
        case .dict: "dict"
        case .global(let module, let name): "\(module).\(name)"
        case .storage: "storage"
        case .tensor: "tensor"
        case .object(let object): "\(object.module).\(object.name) object"
        }
    }

    var intValue: Int? {
        if case .int(let value) = self { return value }
        if case .bool(let value) = self { return value ? 1 : 0 }
        return nil
    }

    var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The items of a tuple or list, as the argument lists of torch's rebuild functions need.
    var sequenceItems: [PickleValue]? {
        switch self {
        case .tuple(let items): items
        case .list(let list): list.items
        default: nil
        }
    }
}

/// A Python list; shared by reference through the memo.
final class PickleList {
    var items: [PickleValue]
    init(_ items: [PickleValue] = []) { self.items = items }
}

/// A Python dict (or OrderedDict), insertion-ordered; keys compared by their Python-visible value.
final class PickleDict {
    private(set) var entries: [(key: PickleValue, value: PickleValue)] = []
    private var indexByKey: [PickleKey: Int] = [:]

    func set(_ key: PickleValue, _ value: PickleValue) {
        let hashable = PickleKey(key)
        if let hashable, let index = indexByKey[hashable] {
            entries[index].value = value
            return
        }
        if let hashable { indexByKey[hashable] = entries.count }
        entries.append((key, value))
    }

    func value(forKey key: String) -> PickleValue? {
        indexByKey[.string(key)].map { entries[$0].value }
    }
}

/// The key types a checkpoint dict plausibly uses; other keys are kept but not deduplicated.
private enum PickleKey: Hashable {
    case string(String)
    case int(Int)

    init?(_ value: PickleValue) {
        switch value {
        case .string(let string): self = .string(string)
        case .int(let int): self = .int(int)
        default: return nil
        }
    }
}

/// An object the reader does not model (an argparse.Namespace, a pickled nn.Module, ...).
final class PickleObject {
    let module: String
    let name: String
    let arguments: [PickleValue]
    var state: PickleValue = .none
    init(module: String, name: String, arguments: [PickleValue]) {
        self.module = module
        self.name = name
        self.arguments = arguments
    }
}
