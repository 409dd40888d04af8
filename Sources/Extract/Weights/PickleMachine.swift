import Foundation

/// Interprets one pickle (protocols 0-5, the opcodes torch checkpoints use) into a `PickleValue`.
/// Persistent ids are handed to `persistentLoad`; globals and calls (REDUCE, NEWOBJ) to `TorchGlobals`.
struct PickleMachine {
    typealias PersistentLoad = (PickleValue) throws -> PickleValue
    /// Deepest container nesting accepted: a state_dict nests a handful deep, and freeing a value recurses once
    /// per level, so a deep hostile value would overflow the stack.
    static let maxNesting = 256

    private var reader: ByteReader
    private var stack: [PickleValue] = []
    /// Stack heights at each MARK, innermost last.
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]
    private let persistentLoad: PersistentLoad
    /// Items that calls may still copy out of their arguments, so reused arguments cannot multiply memory.
    private var copyBudget: Int

    init(bytes: [UInt8], offset: Int = 0, persistentLoad: @escaping PersistentLoad) {
        self.reader = ByteReader(bytes, offset: offset)
        self.persistentLoad = persistentLoad
        self.copyBudget = bytes.count
    }

    /// Offset just past the STOP of the last pickle run, where the next pickle (or raw data) begins.
    var offset: Int { reader.offset }

    /// Runs from the current offset to STOP and returns the pickled object.
    mutating func run() throws -> PickleValue {
        stack.removeAll(keepingCapacity: true)
        marks.removeAll()
        memo.removeAll()
        while true {
            let position = reader.offset
            let opcode = try reader.byte()
            if opcode == 0x2E {  // STOP '.'
                return try pop()
            }
            do {
                try execute(opcode)
                // Only the top can have grown deeper: every opcode builds or fills the value it leaves there.
                if let depth = stack.last?.depth, depth > PickleMachine.maxNesting {
                    throw CheckpointFormatProblem("containers nest more than \(PickleMachine.maxNesting) deep, which no state_dict does")
                }
            } catch let problem as CheckpointFormatProblem {
                throw CheckpointFormatProblem("pickle opcode \(PickleMachine.describe(opcode)) at offset \(position): \(problem)", fix: problem.fix)
            }
        }
    }

    private mutating func execute(_ opcode: UInt8) throws {
        switch opcode {
        case 0x80: _ = try reader.byte()  // PROTO: any protocol whose opcodes we know is fine
        case 0x95: _ = try reader.uint64()  // FRAME: framing is irrelevant with the whole file in memory
        case 0x28: marks.append(stack.count)  // MARK
        case 0x30: _ = try pop()  // POP
        case 0x31: _ = try popMark()  // POP_MARK
        case 0x32: stack.append(try top())  // DUP

        case 0x4E: stack.append(.none)  // NONE
        case 0x88: stack.append(.bool(true))  // NEWTRUE
        case 0x89: stack.append(.bool(false))  // NEWFALSE
        case 0x4A: stack.append(.int(try reader.int32()))  // BININT
        case 0x4B: stack.append(.int(Int(try reader.byte())))  // BININT1
        case 0x4D: stack.append(.int(try reader.uint16()))  // BININT2
        case 0x8A: stack.append(try longValue(byteCount: Int(try reader.byte())))  // LONG1
        case 0x8B: stack.append(try longValue(byteCount: try reader.int32()))  // LONG4
        case 0x49: stack.append(try textInt(try reader.line()))  // INT
        case 0x4C: stack.append(try textInt(try reader.line().replacingOccurrences(of: "L", with: "")))  // LONG (Python 2 writes 12L)
        case 0x47: stack.append(.float(try reader.bigEndianDouble()))  // BINFLOAT
        case 0x46:  // FLOAT
            let text = try reader.line()
            guard let value = Double(text) else { throw CheckpointFormatProblem("bad float literal '\(text)'") }
            stack.append(.float(value))

        case 0x58: stack.append(.string(try reader.utf8(try reader.uint32())))  // BINUNICODE
        case 0x8C: stack.append(.string(try reader.utf8(Int(try reader.byte()))))  // SHORT_BINUNICODE
        case 0x8D: stack.append(.string(try reader.utf8(try length64())))  // BINUNICODE8
        case 0x54: stack.append(.string(try reader.utf8(try reader.int32())))  // BINSTRING (Python 2 str)
        case 0x55: stack.append(.string(try reader.utf8(Int(try reader.byte()))))  // SHORT_BINSTRING
        case 0x42: stack.append(.bytes(Array(try reader.slice(try reader.uint32()))))  // BINBYTES
        case 0x43: stack.append(.bytes(Array(try reader.slice(Int(try reader.byte())))))  // SHORT_BINBYTES
        case 0x8E: stack.append(.bytes(Array(try reader.slice(try length64()))))  // BINBYTES8

        case 0x29: stack.append(.tuple([]))  // EMPTY_TUPLE
        case 0x74: stack.append(.tuple(try popMark()))  // TUPLE
        case 0x85: stack.append(.tuple(try pop(count: 1)))  // TUPLE1
        case 0x86: stack.append(.tuple(try pop(count: 2)))  // TUPLE2
        case 0x87: stack.append(.tuple(try pop(count: 3)))  // TUPLE3
        case 0x5D: stack.append(.list(PickleList()))  // EMPTY_LIST
        case 0x6C: stack.append(.list(PickleList(try popMark())))  // LIST
        case 0x61:  // APPEND
            let item = try pop()
            try list(at: try top(), adding: [item]).append(contentsOf: [item])
        case 0x65:  // APPENDS
            let items = try popMark()
            try list(at: try top(), adding: items).append(contentsOf: items)
        case 0x7D: stack.append(.dict(PickleDict()))  // EMPTY_DICT
        case 0x64:  // DICT
            let dict = PickleDict()
            try setItems(try popMark(), into: dict)
            stack.append(.dict(dict))
        case 0x73:  // SETITEM
            let value = try pop()
            let key = try pop()
            try setItems([key, value], into: try dict(at: try top(), adding: [key, value]))
        case 0x75:  // SETITEMS
            let items = try popMark()
            try setItems(items, into: try dict(at: try top(), adding: items))

        case 0x63:  // GLOBAL
            let module = try reader.line()
            let name = try reader.line()
            stack.append(try TorchGlobals.resolve(module: module, name: name))
        case 0x93:  // STACK_GLOBAL
            let name = try pop()
            let module = try pop()
            guard let moduleName = module.stringValue, let globalName = name.stringValue else {
                throw CheckpointFormatProblem("STACK_GLOBAL needs two strings, got \(module.typeName) and \(name.typeName)")
            }
            stack.append(try TorchGlobals.resolve(module: moduleName, name: globalName))
        case 0x52, 0x81:  // REDUCE (callable, args) and NEWOBJ (class, args): both are calls here
            let arguments = try pop()
            let callable = try pop()
            stack.append(try TorchGlobals.call(callable, arguments: arguments, copyBudget: &copyBudget))
        case 0x62:  // BUILD
            let state = try pop()
            try TorchGlobals.build(try top(), state: state)
        case 0x51:  // BINPERSID
            stack.append(try persistentLoad(try pop()))
        case 0x50:  // PERSID
            stack.append(try persistentLoad(.string(try reader.line())))

        case 0x71: memo[Int(try reader.byte())] = try top()  // BINPUT
        case 0x72: memo[try reader.uint32()] = try top()  // LONG_BINPUT
        case 0x70: memo[try textIndex(try reader.line())] = try top()  // PUT
        case 0x94: memo[memo.count] = try top()  // MEMOIZE
        case 0x68: stack.append(try memoValue(Int(try reader.byte())))  // BINGET
        case 0x6A: stack.append(try memoValue(try reader.uint32()))  // LONG_BINGET
        case 0x67: stack.append(try memoValue(try textIndex(try reader.line())))  // GET

        default:
            throw CheckpointFormatProblem("not supported by this reader, which implements the opcodes torch.save emits")
        }
    }

    // MARK: stack helpers

    private mutating func pop() throws -> PickleValue {
        if let floor = marks.last, stack.count <= floor {
            throw CheckpointFormatProblem("pickle stack underflow (popped past a MARK)")
        }
        guard let value = stack.popLast() else { throw CheckpointFormatProblem("pickle stack underflow") }
        return value
    }

    private mutating func pop(count: Int) throws -> [PickleValue] {
        var values = [PickleValue](repeating: .none, count: count)
        for index in stride(from: count - 1, through: 0, by: -1) { values[index] = try pop() }
        return values
    }

    private mutating func popMark() throws -> [PickleValue] {
        guard let floor = marks.popLast() else { throw CheckpointFormatProblem("pickle has no MARK to pop to") }
        guard floor <= stack.count else { throw CheckpointFormatProblem("pickle MARK above stack top") }
        defer { stack.removeSubrange(floor...) }
        return Array(stack[floor...])
    }

    private func top() throws -> PickleValue {
        guard let value = stack.last else { throw CheckpointFormatProblem("pickle stack is empty") }
        return value
    }

    private func memoValue(_ index: Int) throws -> PickleValue {
        guard let value = memo[index] else { throw CheckpointFormatProblem("pickle memo has no entry \(index)") }
        return value
    }

    /// The list to fill; `items` are sealed first, so a list added to itself is caught as changed after placing.
    private func list(at value: PickleValue, adding items: [PickleValue]) throws -> PickleList {
        for item in items { item.sealed() }
        guard case .list(let list) = value else { throw CheckpointFormatProblem("cannot append to a \(value.typeName)") }
        guard !list.isSealed else { throw PickleMachine.changedAfterPlacing("list") }
        return list
    }

    private func dict(at value: PickleValue, adding items: [PickleValue]) throws -> PickleDict {
        for item in items { item.sealed() }
        guard case .dict(let dict) = value else { throw CheckpointFormatProblem("cannot set items on a \(value.typeName)") }
        guard !dict.isSealed else { throw PickleMachine.changedAfterPlacing("dict") }
        return dict
    }

    /// A container filled after it went inside another is how a value comes to contain itself.
    private static func changedAfterPlacing(_ kind: String) -> CheckpointFormatProblem {
        CheckpointFormatProblem("the pickle changes a \(kind) after placing it inside another container (a self-referencing structure, which no state_dict is)")
    }

    private func setItems(_ flat: [PickleValue], into dict: PickleDict) throws {
        guard flat.count % 2 == 0 else { throw CheckpointFormatProblem("odd number of items for a dict") }
        for pair in stride(from: 0, to: flat.count, by: 2) { dict.set(flat[pair], flat[pair + 1]) }
    }

    // MARK: literals

    private mutating func length64() throws -> Int {
        let length = try reader.uint64()
        guard length <= UInt64(Int.max) else { throw CheckpointFormatProblem("length \(length) is too large") }
        return Int(length)
    }

    /// LONG1/LONG4: little-endian two's complement of any width; kept exact when it does not fit Int.
    private mutating func longValue(byteCount: Int) throws -> PickleValue {
        guard byteCount >= 0 else { throw CheckpointFormatProblem("negative LONG4 length") }
        let bytes = Array(try reader.slice(byteCount))
        if bytes.isEmpty { return .int(0) }
        if bytes.count > 8 { return .bigInt(bytes) }
        var value: UInt64 = 0
        for (index, byte) in bytes.enumerated() { value |= UInt64(byte) << (8 * UInt64(index)) }
        let unusedBits = UInt64(64 - 8 * bytes.count)
        // Shift up and arithmetically back down to sign-extend the top byte.
        return .int(Int(Int64(bitPattern: value << unusedBits) >> Int64(unusedBits)))
    }

    private func textInt(_ text: String) throws -> PickleValue {
        if text == "01" { return .bool(true) }  // protocol 0 spells booleans as INT 01 / INT 00
        if text == "00" { return .bool(false) }
        guard let value = Int(text) else { throw CheckpointFormatProblem("integer literal '\(text)' is not a 64-bit int") }
        return .int(value)
    }

    private func textIndex(_ text: String) throws -> Int {
        guard let value = Int(text) else { throw CheckpointFormatProblem("bad memo index '\(text)'") }
        return value
    }

    /// Names an opcode the way pickletools does, for error messages.
    static func describe(_ opcode: UInt8) -> String {
        let names: [UInt8: String] = [
            0x80: "PROTO", 0x95: "FRAME", 0x2E: "STOP", 0x28: "MARK", 0x30: "POP", 0x31: "POP_MARK", 0x32: "DUP",
            0x4E: "NONE", 0x88: "NEWTRUE", 0x89: "NEWFALSE", 0x4A: "BININT", 0x4B: "BININT1", 0x4D: "BININT2",
            0x8A: "LONG1", 0x8B: "LONG4", 0x49: "INT", 0x4C: "LONG", 0x47: "BINFLOAT", 0x46: "FLOAT",
            0x58: "BINUNICODE", 0x8C: "SHORT_BINUNICODE", 0x8D: "BINUNICODE8", 0x54: "BINSTRING",
            0x55: "SHORT_BINSTRING", 0x42: "BINBYTES", 0x43: "SHORT_BINBYTES", 0x8E: "BINBYTES8",
            0x29: "EMPTY_TUPLE", 0x74: "TUPLE", 0x85: "TUPLE1", 0x86: "TUPLE2", 0x87: "TUPLE3",
            0x5D: "EMPTY_LIST", 0x6C: "LIST", 0x61: "APPEND", 0x65: "APPENDS", 0x7D: "EMPTY_DICT", 0x64: "DICT",
            0x73: "SETITEM", 0x75: "SETITEMS", 0x63: "GLOBAL", 0x93: "STACK_GLOBAL", 0x52: "REDUCE",
            0x81: "NEWOBJ", 0x92: "NEWOBJ_EX", 0x62: "BUILD", 0x51: "BINPERSID", 0x50: "PERSID",
            0x71: "BINPUT", 0x72: "LONG_BINPUT", 0x70: "PUT", 0x94: "MEMOIZE", 0x68: "BINGET",
            0x6A: "LONG_BINGET", 0x67: "GET", 0x53: "STRING", 0x56: "UNICODE", 0x8F: "EMPTY_SET",
            0x90: "ADDITEMS", 0x91: "FROZENSET", 0x96: "BYTEARRAY8", 0x97: "NEXT_BUFFER",
            0x98: "READONLY_BUFFER", 0x69: "INST", 0x6F: "OBJ", 0x82: "EXT1", 0x83: "EXT2", 0x84: "EXT4",
        ]
        let hex = "0x" + String(opcode, radix: 16, uppercase: true)
        return names[opcode].map { "\($0) (\(hex))" } ?? hex
    }
}
