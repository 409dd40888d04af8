import Foundation

/// A picture file that could not be written: the path, why, and how to fix it.
public struct PNGWriteError: DiagnosedError {
    public let path: String
    public let reason: String

    public var description: String {
        "cannot write the picture \(path): \(reason); check that its folder exists and is writable "
            + "and that the disk has space"
    }
}

/// Encodes an `RGBImage` as a PNG (8-bit truecolour, no interlace, filter 0 on every row) whose image
/// data is stored uncompressed, so no zlib is needed; any PNG reader decodes it to the same bytes.
public enum PNGWriter {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    public static func encode(_ image: RGBImage) -> [UInt8] {
        precondition(image.width > 0 && image.height > 0 && image.width <= Int(Int32.max)
                     && image.height <= Int(Int32.max), "a PNG needs 1...2^31-1 pixels per side, "
                     + "got \(image.width)x\(image.height)")
        let rowBytes = image.width * 3
        var scanlines = [UInt8]()
        scanlines.reserveCapacity(image.height * (rowBytes + 1))
        for row in 0..<image.height {
            scanlines.append(0)  // filter type 0 (None): filters only pay off before compression
            scanlines += image.pixels[row * rowBytes..<(row + 1) * rowBytes]
        }
        var png = signature
        png.reserveCapacity(scanlines.count + scanlines.count / ZlibStoredStream.maximumBlockLength * 5 + 128)
        appendChunk("IHDR", to: &png) { data in
            data += bigEndian(UInt32(image.width)) + bigEndian(UInt32(image.height))
            data += [8, 2, 0, 0, 0]  // bit depth 8, colour type 2 (RGB), deflate, adaptive filters, no interlace
        }
        appendChunk("IDAT", to: &png) { ZlibStoredStream.append(scanlines, to: &$0) }
        appendChunk("IEND", to: &png) { _ in }
        return png
    }

    /// Writes the PNG to `url` through a temporary file in the same folder and a rename (Foundation's
    /// atomic write), so a reader (an image viewer refreshing) never sees half a picture.
    public static func write(_ image: RGBImage, to url: URL) throws {
        let bytes = encode(image)
        do {
            try bytes.withUnsafeBytes { buffer in
                // No copy: a full page is tens of megabytes.
                try Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: buffer.baseAddress!), count: buffer.count,
                         deallocator: .none).write(to: url, options: .atomic)
            }
        } catch {
            throw PNGWriteError(path: url.path, reason: systemReason(error))
        }
    }

    /// The operating system's words for a failed write ("No such file or directory"), which say more
    /// than Foundation's wrapper ("The file doesn't exist").
    private static func systemReason(_ error: Error) -> String {
        let wrapper = error as NSError
        if let underlying = wrapper.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return wrapper.localizedDescription
    }

    /// Length, type, the data `body` appends, then the CRC-32 of type and data (RFC 2083 section 3.2).
    private static func appendChunk(_ type: String, to png: inout [UInt8], body: (inout [UInt8]) -> Void) {
        let lengthAt = png.count
        png += [0, 0, 0, 0] + Array(type.utf8)
        body(&png)
        let length = png.count - lengthAt - 8
        png.replaceSubrange(lengthAt..<lengthAt + 4, with: bigEndian(UInt32(length)))
        let crc = png[(lengthAt + 4)...].withUnsafeBufferPointer { CRC32.update(0, with: $0) }
        png += bigEndian(crc)
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) }
    }
}
