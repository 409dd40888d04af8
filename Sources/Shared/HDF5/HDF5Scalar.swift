import CHDF5

/// A fixed-size numeric element type that maps to one HDF5 native type.
public protocol HDF5Scalar: Sendable, Numeric, BitwiseCopyable {
    /// The HDF5 native memory type for this Swift type.
    static var hdf5MemoryType: hid_t { get }
    /// The HDF5 type class stored values must have to be read as this type (no int <-> float conversion).
    static var hdf5TypeClass: H5T_class_t { get }
}

extension Float: HDF5Scalar {
    public static var hdf5MemoryType: hid_t { chdf5_native_float() }
    public static var hdf5TypeClass: H5T_class_t { H5T_FLOAT }
}

extension Double: HDF5Scalar {
    public static var hdf5MemoryType: hid_t { chdf5_native_double() }
    public static var hdf5TypeClass: H5T_class_t { H5T_FLOAT }
}

extension Int8: HDF5Scalar {
    public static var hdf5MemoryType: hid_t { chdf5_native_int8() }
    public static var hdf5TypeClass: H5T_class_t { H5T_INTEGER }
}

extension UInt8: HDF5Scalar {
    public static var hdf5MemoryType: hid_t { chdf5_native_uint8() }
    public static var hdf5TypeClass: H5T_class_t { H5T_INTEGER }
}

extension Int32: HDF5Scalar {
    public static var hdf5MemoryType: hid_t { chdf5_native_int32() }
    public static var hdf5TypeClass: H5T_class_t { H5T_INTEGER }
}

extension Int64: HDF5Scalar {
    public static var hdf5MemoryType: hid_t { chdf5_native_int64() }
    public static var hdf5TypeClass: H5T_class_t { H5T_INTEGER }
}

/// A readable name for an HDF5 type class, for error messages.
func describeTypeClass(_ typeClass: H5T_class_t) -> String {
    switch typeClass {
    case H5T_INTEGER: "integer"
    case H5T_FLOAT: "floating point"
    case H5T_STRING: "string"
    case H5T_COMPOUND: "compound"
    default: "HDF5 type class \(typeClass.rawValue)"
    }
}
