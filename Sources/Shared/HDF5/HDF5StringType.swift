import CHDF5
import Foundation

/// The variable-length UTF-8 string type (what h5py reads back as `str`).
func makeVariableLengthStringType(path: String) throws(HDF5Error) -> hid_t {
    let type = try hdf5Call("copying the C string type", path: path) { H5Tcopy(chdf5_c_s1()) }
    do throws(HDF5Error) {
        try hdf5Call("making a variable-length string type", path: path) { H5Tset_size(type, chdf5_variable()) }
        try hdf5Call("setting UTF-8 on the string type", path: path) { H5Tset_cset(type, H5T_CSET_UTF8) }
    } catch {
        H5Tclose(type)
        throw error
    }
    return type
}

/// Calls `body` with an array of C string pointers for `strings`, valid only during the call.
func withCStringPointers<R>(_ strings: [String],
                            _ body: ([UnsafePointer<CChar>?]) throws(HDF5Error) -> R) throws(HDF5Error) -> R {
    var owned: [UnsafeMutablePointer<CChar>] = []
    owned.reserveCapacity(strings.count)
    for string in strings {
        owned.append(strdup(string))
    }
    defer { for pointer in owned { free(pointer) } }
    let pointers = owned.map { UnsafePointer<CChar>?(UnsafePointer($0)) }
    return try body(pointers)
}
