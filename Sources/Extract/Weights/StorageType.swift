/// The element type of a torch storage, named by its legacy class (torch.FloatStorage, ...).
enum StorageType: String, Sendable, CaseIterable {
    case float32 = "FloatStorage"
    case float64 = "DoubleStorage"
    case float16 = "HalfStorage"
    case bfloat16 = "BFloat16Storage"
    case int64 = "LongStorage"
    case int32 = "IntStorage"
    case int16 = "ShortStorage"
    case int8 = "CharStorage"
    case uint8 = "ByteStorage"
    case bool = "BoolStorage"

    /// Recognises `torch.FloatStorage` as pickled by GLOBAL; nil for anything else.
    init?(module: String, name: String) {
        guard module == "torch" || module == "torch.cuda" else { return nil }
        self.init(rawValue: name)
    }

    var bytesPerElement: Int {
        switch self {
        case .float64, .int64: 8
        case .float32, .int32: 4
        case .float16, .bfloat16, .int16: 2
        case .int8, .uint8, .bool: 1
        }
    }

    /// Converts the first `count` little-endian elements of `bytes` to Float.
    func decode(_ bytes: ArraySlice<UInt8>, count: Int) -> [Float] {
        var values = [Float](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            values.withUnsafeMutableBufferPointer { out in
                switch self {
                case .float32:
                    for i in 0..<count {
                        out[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                    }
                case .float64:
                    for i in 0..<count {
                        out[i] = Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
                    }
                case .float16:
                    for i in 0..<count {
                        out[i] = StorageType.floatFromHalf(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                    }
                case .bfloat16:
                    for i in 0..<count {
                        let bits = UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                        out[i] = Float(bitPattern: UInt32(bits) << 16)
                    }
                case .int64:
                    for i in 0..<count {
                        out[i] = Float(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)))
                    }
                case .int32:
                    for i in 0..<count {
                        out[i] = Float(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
                    }
                case .int16:
                    for i in 0..<count {
                        out[i] = Float(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self)))
                    }
                case .int8:
                    for i in 0..<count { out[i] = Float(Int8(bitPattern: raw[i])) }
                case .uint8, .bool:
                    for i in 0..<count { out[i] = Float(raw[i]) }
                }
            }
        }
        return values
    }

    /// IEEE 754 binary16 -> binary32, done by hand so it works where Swift's Float16 is unavailable.
    static func floatFromHalf(_ bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = Int((bits >> 10) & 0x1F)
        let mantissa = UInt32(bits & 0x3FF)
        if exponent == 0x1F {
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))  // inf / nan
        }
        if exponent == 0 {
            // Zero or subnormal: mantissa * 2^-24, exact in Float.
            let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign != 0 ? -magnitude : magnitude
        }
        return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
    }
}
