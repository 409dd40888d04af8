/// A Python object as the unpickler rebuilds it: just enough of Python's object model for torch checkpoints.
/// Lists and dicts are reference types because pickle's memo shares them by identity
/// (a container is memoised before its items are appended).
///
/// Every container knows how deeply containers nest inside it, so the machine can refuse deep values
/// (freeing one recurses once per level), and a list or dict is sealed once it is placed inside another
/// container, so no value can contain itself and a recorded depth never goes stale.
indirect enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    /// An integer wider than 64 bits (LONG1/LONG4): little-endian two's complement bytes.
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple(PickleTuple)
    case list(PickleList)
    case dict(PickleDict)
    /// A class or function named by GLOBAL / STACK_GLOBAL, not yet called.
    case global(module: String, name: String)
    /// A storage named by a persistent id; its bytes live outside the pickle.
    case storage(StorageReference)
    /// A tensor view of a storage (what torch._utils._rebuild_tensor_v2 returns).
    case tensor(TensorReference)

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
        case .tuple(let tuple): tuple.items
        case .list(let list): list.items
        default: nil
        }
    }

    /// Containers nested in this value, itself included: 0 for a scalar, 1 for a flat tuple, list or dict.
    var depth: Int {
        switch self {
        case .tuple(let tuple): tuple.depth
        case .list(let list): list.depth
        case .dict(let dict): dict.depth
        default: 0
        }
    }

    /// Marks a list or dict as placed inside a container; returns the value for chaining.
    @discardableResult
    func sealed() -> PickleValue {
        switch self {
        case .list(let list): list.isSealed = true
        case .dict(let dict): dict.isSealed = true
        default: break
        }
        return self
    }

    static func tuple(_ items: [PickleValue]) -> PickleValue {
        .tuple(PickleTuple(items: items.map { $0.sealed() }, depth: 1 + (items.map(\.depth).max() ?? 0)))
    }
}

/// A Python tuple: immutable, so its depth is fixed when it is built.
struct PickleTuple {
    let items: [PickleValue]
    let depth: Int
}

/// A Python list; shared by reference through the memo.
final class PickleList {
    private(set) var items: [PickleValue] = []
    private(set) var depth = 1
    var isSealed = false

    init(_ items: [PickleValue] = []) { append(contentsOf: items) }

    func append(contentsOf newItems: [PickleValue]) {
        for item in newItems { depth = max(depth, item.depth + 1) }
        items.append(contentsOf: newItems.map { $0.sealed() })
    }
}

/// A Python dict (or OrderedDict), insertion-ordered; keys compared by their Python-visible value.
final class PickleDict {
    private(set) var entries: [(key: PickleValue, value: PickleValue)] = []
    private var indexByKey: [PickleKey: Int] = [:]
    private(set) var depth = 1
    var isSealed = false

    func set(_ key: PickleValue, _ value: PickleValue) {
        depth = max(depth, key.depth + 1, value.depth + 1)
        key.sealed()
        value.sealed()
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
