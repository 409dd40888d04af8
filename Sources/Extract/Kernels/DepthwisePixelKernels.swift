import CKernels

/// The depthwise layer's pixel kernels: how many output pixels share each loaded input column and weight
/// vector, from one clipped pixel at the borders to eight at a time in the interior (in `CKernels`);
/// `convolveImage` picks one per position.
extension DepthwiseConvolution {
    /// `pixels` horizontally adjacent interior outputs of a 3x3 or 5x5 kernel (8 or 4 at stride 1, 4 at stride 2),
    /// their whole 8-channel vectors in `CKernels` (16 lanes at a time where AVX-512 has the shape); returns the
    /// first channel left to the scalar tail.
    @inline(__always)
    func wideInterior(pixels: Int, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                      width: Int, oy: Int, ox: Int, rows: Range<Int>, inputRowBase: Int, outputRowBase: Int,
                      outputWidth: Int, prefetchingAhead ahead: Bool, into y: UnsafeMutablePointer<Float>) -> Int {
        let firstRow = oy &* stride &- padding.top, firstColumn = ox &* stride &- padding.left
        let input = x + ((firstRow &+ rows.lowerBound &- inputRowBase) &* width &+ firstColumn) &* channels
        let taps = w + rows.lowerBound &* kernelSize &* channels
        let out = y + ((oy &- outputRowBase) &* outputWidth &+ ox) &* channels
        let bounds = ActivationBounds(activation)
        let (lower, upper) = (bounds.lower[0], bounds.upper[0])
        let (k, s, p) = (Int32(kernelSize), Int32(stride), Int32(pixels))
        var c = 0
        if isa == .avx512 && (stride == 1) == (pixels == 8) {
            c = channels & ~15
            if c > 0 {
                dfh_depthwise_interior_avx512(input, width &* channels, taps, b, rows.count, channels, c, k, s, p,
                                              lower, upper, out)
            }
        }
        let wide = channels & ~7
        if wide > c {
            dfh_depthwise_interior_avx2(input + c, width &* channels, taps + c, b + c, rows.count, channels, wide &- c,
                                        k, s, p, lower, upper, ahead ? 1 : 0, out + c)
        }
        return wide
    }

    /// Four horizontally adjacent outputs with unclipped kernel rows: 3x3 and 5x5 in `wideInterior`; other sizes
    /// load each tap's weights once for all four, whose sums are independent chains that keep both FMA units busy.
    @inline(__always)
    func convolveFourInteriorPixels(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
                                    _ w: UnsafePointer<Float>, _ b: UnsafePointer<Float>, width: Int,
                                    outputWidth: Int, oy: Int, ox: Int, rows: Range<Int>,
                                    inputRowBase: Int, outputRowBase: Int, prefetchingAhead ahead: Bool) {
        let channels = channels
        let kernelSize = kernelSize
        let step = stride &* channels
        let firstRow = oy &* stride &- padding.top
        let firstColumn = ox &* stride &- padding.left
        let out = y + ((oy &- outputRowBase) &* outputWidth &+ ox) &* channels
        let bounds = ActivationBounds(activation)
        var c = 0
        if kernelSize == 3 || kernelSize == 5 {
            c = wideInterior(pixels: 4, x, w, b, width: width, oy: oy, ox: ox, rows: rows, inputRowBase: inputRowBase,
                             outputRowBase: outputRowBase, outputWidth: outputWidth, prefetchingAhead: ahead, into: y)
        }
        while c &+ ChannelVector.scalarCount <= channels {
            var sum0 = ChannelVector(loadingFrom: b + c)
            var sum1 = sum0, sum2 = sum0, sum3 = sum0
            for ky in rows {
                var pixel = x + (((firstRow &+ ky &- inputRowBase) &* width &+ firstColumn) &* channels &+ c)
                var tap = w + (ky &* kernelSize &* channels &+ c)
                for _ in 0..<kernelSize {
                    let weight = ChannelVector(loadingFrom: tap)
                    sum0.addProduct(ChannelVector(loadingFrom: pixel), weight)
                    sum1.addProduct(ChannelVector(loadingFrom: pixel + step), weight)
                    sum2.addProduct(ChannelVector(loadingFrom: pixel + (2 &* step)), weight)
                    sum3.addProduct(ChannelVector(loadingFrom: pixel + (3 &* step)), weight)
                    pixel += channels
                    tap += channels
                }
            }
            bounds(sum0).store(to: out + c)
            bounds(sum1).store(to: out + (channels &+ c))
            bounds(sum2).store(to: out + (2 &* channels &+ c))
            bounds(sum3).store(to: out + (3 &* channels &+ c))
            c &+= ChannelVector.scalarCount
        }
        for pixel in 0..<4 where c < channels {
            convolveChannels(c..<channels, x, into: y, w, b, width: width, outputWidth: outputWidth,
                             oy: oy, ox: ox + pixel, rows: rows, inputRowBase: inputRowBase,
                             outputRowBase: outputRowBase)
        }
    }

    /// Eight adjacent outputs of a 3x3 or 5x5 stride-1 kernel (`wideInterior`), then the channels after the
    /// last whole vector.
    @inline(__always)
    func convolveEightInteriorPixels(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
                                     _ w: UnsafePointer<Float>, _ b: UnsafePointer<Float>, width: Int,
                                     outputWidth: Int, oy: Int, ox: Int, rows: Range<Int>,
                                     inputRowBase: Int, outputRowBase: Int, prefetchingAhead ahead: Bool) {
        let c = wideInterior(pixels: 8, x, w, b, width: width, oy: oy, ox: ox, rows: rows,
                             inputRowBase: inputRowBase, outputRowBase: outputRowBase, outputWidth: outputWidth,
                             prefetchingAhead: ahead, into: y)
        for pixel in 0..<8 where c < channels {
            convolveChannels(c..<channels, x, into: y, w, b, width: width, outputWidth: outputWidth,
                             oy: oy, ox: ox + pixel, rows: rows, inputRowBase: inputRowBase,
                             outputRowBase: outputRowBase)
        }
    }

    /// Four adjacent outputs of a 5x5 stride-1 kernel anywhere in a row: columns outside the image are read
    /// from a zero vector, so edge pixels share column loads like interior ones (a zero tap adds nothing).
    func convolveFourPixels5x5Clipped(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
                                      _ w: UnsafePointer<Float>, _ b: UnsafePointer<Float>, width: Int,
                                      outputWidth: Int, oy: Int, ox: Int, rows: Range<Int>,
                                      inputRowBase: Int, outputRowBase: Int) {
        let channels = channels
        let firstRow = oy &- padding.top
        let firstColumn = ox &- padding.left
        let out = y + ((oy &- outputRowBase) &* outputWidth &+ ox) &* channels
        let bounds = ActivationBounds(activation)
        let zero = ChannelVector(repeating: 0)
        // Input column j of the 8 the four windows read, or nil outside the image.
        @inline(__always) func column(_ j: Int) -> Int? {
            let column = firstColumn &+ j
            return column >= 0 && column < width ? column &* channels : nil
        }
        let (o0, o1, o2, o3) = (column(0), column(1), column(2), column(3))
        let (o4, o5, o6, o7) = (column(4), column(5), column(6), column(7))
        var c = 0
        while c &+ ChannelVector.scalarCount <= channels {
            var sum0 = ChannelVector(loadingFrom: b + c)
            var sum1 = sum0, sum2 = sum0, sum3 = sum0
            for ky in rows {
                let row = x + ((firstRow &+ ky &- inputRowBase) &* width &* channels &+ c)
                @inline(__always) func load(_ offset: Int?) -> ChannelVector {
                    offset.map { ChannelVector(loadingFrom: row + $0) } ?? zero
                }
                let tap = w + (ky &* 5 &* channels &+ c)
                let w0 = ChannelVector(loadingFrom: tap)
                let w1 = ChannelVector(loadingFrom: tap + channels)
                let w2 = ChannelVector(loadingFrom: tap + (2 &* channels))
                let w3 = ChannelVector(loadingFrom: tap + (3 &* channels))
                let w4 = ChannelVector(loadingFrom: tap + (4 &* channels))
                var p = load(o0)
                sum0.addProduct(p, w0)
                p = load(o1)
                sum0.addProduct(p, w1); sum1.addProduct(p, w0)
                p = load(o2)
                sum0.addProduct(p, w2); sum1.addProduct(p, w1); sum2.addProduct(p, w0)
                p = load(o3)
                sum0.addProduct(p, w3); sum1.addProduct(p, w2); sum2.addProduct(p, w1); sum3.addProduct(p, w0)
                p = load(o4)
                sum0.addProduct(p, w4); sum1.addProduct(p, w3); sum2.addProduct(p, w2); sum3.addProduct(p, w1)
                p = load(o5)
                sum1.addProduct(p, w4); sum2.addProduct(p, w3); sum3.addProduct(p, w2)
                p = load(o6)
                sum2.addProduct(p, w4); sum3.addProduct(p, w3)
                p = load(o7)
                sum3.addProduct(p, w4)
            }
            bounds(sum0).store(to: out + c)
            bounds(sum1).store(to: out + (channels &+ c))
            bounds(sum2).store(to: out + (2 &* channels &+ c))
            bounds(sum3).store(to: out + (3 &* channels &+ c))
            c &+= ChannelVector.scalarCount
        }
        for pixel in 0..<4 where c < channels {
            convolveChannels(c..<channels, x, into: y, w, b, width: width, outputWidth: outputWidth,
                             oy: oy, ox: ox + pixel, rows: rows, inputRowBase: inputRowBase,
                             outputRowBase: outputRowBase)
        }
    }

    /// One output pixel, kernel clipped to the image on any side.
    @inline(__always)
    func convolvePixel(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
                       _ w: UnsafePointer<Float>, _ b: UnsafePointer<Float>, width: Int, outputWidth: Int,
                       oy: Int, ox: Int, rows: Range<Int>, inputRowBase: Int, outputRowBase: Int) {
        let channels = channels
        let kernelSize = kernelSize
        let firstRow = oy &* stride &- padding.top
        let firstColumn = ox &* stride &- padding.left
        let columns = max(0, -firstColumn)..<min(kernelSize, width &- firstColumn)
        let out = y + ((oy &- outputRowBase) &* outputWidth &+ ox) &* channels
        let bounds = ActivationBounds(activation)
        var c = 0
        // Four channel vectors at a time: four independent FMA chains instead of one waiting on its own latency
        // (edge pixels are most of a small map: all 7 columns of a 7x7 map under a 5x5 kernel). Each channel's
        // taps are summed in the same order either way.
        let width4 = 4 &* ChannelVector.scalarCount
        while c &+ width4 <= channels {
            let c1 = c &+ ChannelVector.scalarCount, c2 = c1 &+ ChannelVector.scalarCount
            let c3 = c2 &+ ChannelVector.scalarCount
            var sum0 = ChannelVector(loadingFrom: b + c), sum1 = ChannelVector(loadingFrom: b + c1)
            var sum2 = ChannelVector(loadingFrom: b + c2), sum3 = ChannelVector(loadingFrom: b + c3)
            for ky in rows {
                let pixels = x + (((firstRow &+ ky &- inputRowBase) &* width &+ firstColumn) &* channels)
                let taps = w + (ky &* kernelSize &* channels)
                for kx in columns {
                    let pixel = pixels + (kx &* channels), tap = taps + (kx &* channels)
                    sum0.addProduct(ChannelVector(loadingFrom: pixel + c), ChannelVector(loadingFrom: tap + c))
                    sum1.addProduct(ChannelVector(loadingFrom: pixel + c1), ChannelVector(loadingFrom: tap + c1))
                    sum2.addProduct(ChannelVector(loadingFrom: pixel + c2), ChannelVector(loadingFrom: tap + c2))
                    sum3.addProduct(ChannelVector(loadingFrom: pixel + c3), ChannelVector(loadingFrom: tap + c3))
                }
            }
            bounds(sum0).store(to: out + c)
            bounds(sum1).store(to: out + c1)
            bounds(sum2).store(to: out + c2)
            bounds(sum3).store(to: out + c3)
            c &+= width4
        }
        while c &+ ChannelVector.scalarCount <= channels {
            var sum = ChannelVector(loadingFrom: b + c)
            for ky in rows {
                let pixels = x + (((firstRow &+ ky &- inputRowBase) &* width &+ firstColumn) &* channels &+ c)
                let taps = w + (ky &* kernelSize &* channels &+ c)
                for kx in columns {
                    sum.addProduct(ChannelVector(loadingFrom: pixels + (kx &* channels)),
                                   ChannelVector(loadingFrom: taps + (kx &* channels)))
                }
            }
            bounds(sum).store(to: out + c)
            c &+= ChannelVector.scalarCount
        }
        if c < channels {
            convolveChannels(c..<channels, x, into: y, w, b, width: width, outputWidth: outputWidth,
                             oy: oy, ox: ox, rows: rows, inputRowBase: inputRowBase,
                             outputRowBase: outputRowBase)
        }
    }

    /// Scalar path for the channels after the last whole vector: the same fused chain as the vector kernels.
    func convolveChannels(_ range: Range<Int>, _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
                          _ w: UnsafePointer<Float>, _ b: UnsafePointer<Float>, width: Int, outputWidth: Int,
                          oy: Int, ox: Int, rows: Range<Int>, inputRowBase: Int, outputRowBase: Int) {
        let firstRow = oy * stride - padding.top
        let firstColumn = ox * stride - padding.left
        let columns = max(0, -firstColumn)..<min(kernelSize, width - firstColumn)
        let out = y + ((oy - outputRowBase) * outputWidth + ox) * channels
        for c in range {
            var sum = b[c]
            for ky in rows {
                let pixels = x + ((firstRow + ky - inputRowBase) * width + firstColumn) * channels + c
                let taps = w + ky * kernelSize * channels + c
                for kx in columns { sum.addProduct(pixels[kx * channels], taps[kx * channels]) }
            }
            out[c] = activation(sum)
        }
    }
}
