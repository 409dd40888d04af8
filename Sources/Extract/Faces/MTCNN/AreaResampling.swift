import Shared

/// torch.nn.functional.interpolate(mode="area") of an RGB image region, which is adaptive average pooling:
/// output pixel (i, j) averages input rows floor(i * H / h) ..< ceil((i + 1) * H / h) and the matching columns.
/// The window sum is exact (whole numbers far below 2^24), divided by the row count and then the column count
/// as torch does, and written normalised as MTCNN's networks take it: (value - 127.5) * 0.0078125.
enum AreaResampling {
    /// First input index of output index `i`'s window: floor(i * input / output).
    @inline(__always)
    static func windowStart(_ i: Int, input: Int, output: Int) -> Int { i * input / output }

    /// One past the last input index of the window: ceil((i + 1) * input / output).
    @inline(__always)
    static func windowEnd(_ i: Int, input: Int, output: Int) -> Int { ((i + 1) * input + output - 1) / output }

    /// Writes region of image, resampled to outputWidth x outputHeight, as [outputHeight, outputWidth, 3] floats.
    /// Each output row first sums its window's input rows column by column, then each pixel sums its columns
    /// of that: every partial sum is a whole number below 2^24, so the result is the window sum exactly as the
    /// direct double loop gives it. Output rows split over `threads` cores.
    static func resample(_ image: RGBImage, region: PixelRegion, outputWidth: Int, outputHeight: Int,
                         into destination: UnsafeMutablePointer<Float>, threads: Int = CoreBudget.current) {
        precondition(region.x >= 0 && region.y >= 0 && region.width > 0 && region.height > 0
                     && region.x + region.width <= image.width && region.y + region.height <= image.height,
                     "resampling region outside the image")
        // Column windows relative to the region.
        let columns = (0..<outputWidth).map {
            windowStart($0, input: region.width, output: outputWidth)..<windowEnd($0, input: region.width, output: outputWidth)
        }
        let parts = threads > 1 && outputWidth * outputHeight >= 16_384 ? threads : 1
        let values = region.width * 3
        image.pixels.withUnsafeBufferPointer { pixels in
            let pixels = pixels.baseAddress!
            parallelFor(count: parts) { part in
                let rowSums = UnsafeMutablePointer<Float>.allocate(capacity: values)
                defer { rowSums.deallocate() }
                for oy in outputHeight * part / parts..<outputHeight * (part + 1) / parts {
                    let rows = windowStart(oy, input: region.height, output: outputHeight)
                        ..< windowEnd(oy, input: region.height, output: outputHeight)
                    rowSums.initialize(repeating: 0, count: values)
                    for y in rows {
                        let line = pixels + ((region.y + y) * image.width + region.x) * 3
                        for i in 0..<values { rowSums[i] += Float(line[i]) }
                    }
                    let rowCount = Float(rows.count)
                    for ox in 0..<outputWidth {
                        var (red, green, blue): (Float, Float, Float) = (0, 0, 0)
                        for x in columns[ox] {
                            red += rowSums[x * 3]; green += rowSums[x * 3 + 1]; blue += rowSums[x * 3 + 2]
                        }
                        let columnCount = Float(columns[ox].count)
                        let out = destination + (oy * outputWidth + ox) * 3
                        out[0] = (red / rowCount / columnCount - 127.5) * 0.0078125
                        out[1] = (green / rowCount / columnCount - 127.5) * 0.0078125
                        out[2] = (blue / rowCount / columnCount - 127.5) * 0.0078125
                    }
                }
            }
        }
    }

    /// The whole image resampled to width x height, as a [1, height, width, 3] map.
    static func resample(_ image: RGBImage, width: Int, height: Int) -> FeatureMap {
        var map = FeatureMap(uninitializedBatch: 1, height: height, width: width, channels: 3)
        map.data.withUnsafeMutableBufferPointer { out in
            resample(image, region: PixelRegion(x: 0, y: 0, width: image.width, height: image.height),
                     outputWidth: width, outputHeight: height, into: out.baseAddress!)
        }
        return map
    }
}
