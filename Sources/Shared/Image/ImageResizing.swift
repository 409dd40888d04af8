extension RGBImage {
    /// The image resampled to `width` x `height` with a box filter: each output pixel is the mean of the
    /// source pixels under it. Enlarging degrades to nearest neighbour, which keeps a crop's real pixels
    /// visible when a researcher inspects it rather than smoothing them over.
    public func resized(width outputWidth: Int, height outputHeight: Int) -> RGBImage {
        precondition(width > 0 && height > 0 && outputWidth > 0 && outputHeight > 0,
                     "cannot resize \(width)x\(height) to \(outputWidth)x\(outputHeight)")
        let columns = Self.footprints(source: width, output: outputWidth)
        let rows = Self.footprints(source: height, output: outputHeight)
        var output = [UInt8](repeating: 0, count: outputWidth * outputHeight * 3)
        pixels.withUnsafeBufferPointer { source in
            for (outputRow, sourceRows) in rows.enumerated() {
                for (outputColumn, sourceColumns) in columns.enumerated() {
                    var sums: (Int, Int, Int) = (0, 0, 0)
                    for row in sourceRows {
                        for column in sourceColumns {
                            let index = (row * width + column) * 3
                            sums.0 += Int(source[index])
                            sums.1 += Int(source[index + 1])
                            sums.2 += Int(source[index + 2])
                        }
                    }
                    let count = sourceRows.count * sourceColumns.count
                    let index = (outputRow * outputWidth + outputColumn) * 3
                    output[index] = UInt8((sums.0 + count / 2) / count)
                    output[index + 1] = UInt8((sums.1 + count / 2) / count)
                    output[index + 2] = UInt8((sums.2 + count / 2) / count)
                }
            }
        }
        return RGBImage(width: outputWidth, height: outputHeight, pixels: output)
    }

    /// The image scaled to fit a `side` x `side` square, aspect ratio kept (the long edge becomes `side`).
    /// An empty image stays as it is: there is nothing to scale.
    public func fitted(into side: Int) -> RGBImage {
        guard width > 0, height > 0 else { return self }
        let scale = Double(side) / Double(max(width, height))
        let fittedWidth = max(1, Int((Double(width) * scale).rounded()))
        let fittedHeight = max(1, Int((Double(height) * scale).rounded()))
        if fittedWidth == width && fittedHeight == height { return self }
        return resized(width: fittedWidth, height: fittedHeight)
    }

    /// For each output pixel along one axis, the source pixels it covers (at least one).
    private static func footprints(source: Int, output: Int) -> [Range<Int>] {
        (0..<output).map { index in
            let start = index * source / output
            return start..<max(start + 1, (index + 1) * source / output)
        }
    }
}
