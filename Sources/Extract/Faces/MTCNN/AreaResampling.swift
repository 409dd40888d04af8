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
    static func resample(_ image: RGBImage, region: PixelRegion, outputWidth: Int, outputHeight: Int,
                         into destination: UnsafeMutablePointer<Float>) {
        precondition(region.x >= 0 && region.y >= 0 && region.width > 0 && region.height > 0
                     && region.x + region.width <= image.width && region.y + region.height <= image.height,
                     "resampling region outside the image")
        let columns = (0..<outputWidth).map {
            (windowStart($0, input: region.width, output: outputWidth) + region.x)
                ..< (windowEnd($0, input: region.width, output: outputWidth) + region.x)
        }
        image.pixels.withUnsafeBufferPointer { pixels in
            let pixels = pixels.baseAddress!
            for oy in 0..<outputHeight {
                let rows = (windowStart(oy, input: region.height, output: outputHeight) + region.y)
                    ..< (windowEnd(oy, input: region.height, output: outputHeight) + region.y)
                let rowCount = Float(rows.count)
                for ox in 0..<outputWidth {
                    var (red, green, blue): (Float, Float, Float) = (0, 0, 0)
                    for y in rows {
                        var p = pixels + (y * image.width + columns[ox].lowerBound) * 3
                        for _ in columns[ox] {
                            red += Float(p[0]); green += Float(p[1]); blue += Float(p[2])
                            p += 3
                        }
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
