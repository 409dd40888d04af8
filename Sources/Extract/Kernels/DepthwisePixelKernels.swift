import CKernels

/// The depthwise layer's pixel kernels: how many output pixels share each loaded input column and weight
/// vector, from one clipped pixel at the borders to eight at a time in the interior; `convolveImage` picks one
/// per position.
extension DepthwiseConvolution {
    /// On AVX-512, `pixels` interior outputs' whole 16-channel vectors in one call (`CKernels`); returns the
    /// first channel left to the 8-lane loop (0 on AVX2). Kernel sizes 3 and 5; 8 pixels at stride 1, 4 at 2.
    @inline(__always)
    func wideInterior(pixels: Int, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                      width: Int, firstRow: Int, firstColumn: Int, rows: Range<Int>, inputRowBase: Int,
                      bounds: ActivationBounds, _ out: UnsafeMutablePointer<Float>) -> Int {
        let wide = channels & ~15
        guard isa == .avx512 && wide > 0 && (kernelSize == 3 || kernelSize == 5) else { return 0 }
        let top = firstRow &+ rows.lowerBound &- inputRowBase
        dfh_depthwise_interior_avx512(x + (top &* width &+ firstColumn) &* channels, width &* channels,
                                      w + rows.lowerBound &* kernelSize &* channels, b, rows.count, channels, wide,
                                      Int32(kernelSize), Int32(stride), Int32(pixels), bounds.lower[0],
                                      bounds.upper[0], out)
        return wide
    }

    /// Four horizontally adjacent outputs with unclipped kernel rows: each tap's weights are loaded once for
    /// all four, and the four sums are independent chains that keep both FMA units busy.
    @inline(__always)
    func convolveFourInteriorPixels(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
                                    _ w: UnsafePointer<Float>, _ b: UnsafePointer<Float>, width: Int,
                                    outputWidth: Int, oy: Int, ox: Int, rows: Range<Int>,
                                    inputRowBase: Int, outputRowBase: Int) {
        let channels = channels
        let kernelSize = kernelSize
        let stride = stride
        let step = stride &* channels
        let firstRow = oy &* stride &- padding.top
        let firstColumn = ox &* stride &- padding.left
        let out = y + ((oy &- outputRowBase) &* outputWidth &+ ox) &* channels
        let bounds = ActivationBounds(activation)
        var c = stride == 2 ? wideInterior(pixels: 4, x, w, b, width: width, firstRow: firstRow,
                                           firstColumn: firstColumn, rows: rows, inputRowBase: inputRowBase,
                                           bounds: bounds, out) : 0
        while c &+ ChannelVector.scalarCount <= channels {
            var sum0 = ChannelVector(loadingFrom: b + c)
            var sum1 = sum0, sum2 = sum0, sum3 = sum0
            if kernelSize == 3 && stride == 1 {
                // The four windows share columns: load each of the 6 input columns once, not 3 times.
                for ky in rows {
                    let pixel = x + (((firstRow &+ ky &- inputRowBase) &* width &+ firstColumn) &* channels &+ c)
                    let tap = w + (ky &* 3 &* channels &+ c)
                    let w0 = ChannelVector(loadingFrom: tap)
                    let w1 = ChannelVector(loadingFrom: tap + channels)
                    let w2 = ChannelVector(loadingFrom: tap + (2 &* channels))
                    let p0 = ChannelVector(loadingFrom: pixel)
                    sum0.addProduct(p0, w0)
                    let p1 = ChannelVector(loadingFrom: pixel + channels)
                    sum0.addProduct(p1, w1)
                    sum1.addProduct(p1, w0)
                    let p2 = ChannelVector(loadingFrom: pixel + (2 &* channels))
                    sum0.addProduct(p2, w2)
                    sum1.addProduct(p2, w1)
                    sum2.addProduct(p2, w0)
                    let p3 = ChannelVector(loadingFrom: pixel + (3 &* channels))
                    sum1.addProduct(p3, w2)
                    sum2.addProduct(p3, w1)
                    sum3.addProduct(p3, w0)
                    let p4 = ChannelVector(loadingFrom: pixel + (4 &* channels))
                    sum2.addProduct(p4, w2)
                    sum3.addProduct(p4, w1)
                    let p5 = ChannelVector(loadingFrom: pixel + (5 &* channels))
                    sum3.addProduct(p5, w2)
                }
            } else if kernelSize == 3 && stride == 2 {
                // Neighbouring windows share one column: 9 column loads instead of 12.
                for ky in rows {
                    let pixel = x + (((firstRow &+ ky &- inputRowBase) &* width &+ firstColumn) &* channels &+ c)
                    let tap = w + (ky &* 3 &* channels &+ c)
                    let w0 = ChannelVector(loadingFrom: tap)
                    let w1 = ChannelVector(loadingFrom: tap + channels)
                    let w2 = ChannelVector(loadingFrom: tap + (2 &* channels))
                    var p = ChannelVector(loadingFrom: pixel)
                    sum0.addProduct(p, w0)
                    p = ChannelVector(loadingFrom: pixel + channels)
                    sum0.addProduct(p, w1)
                    p = ChannelVector(loadingFrom: pixel + (2 &* channels))
                    sum0.addProduct(p, w2); sum1.addProduct(p, w0)
                    p = ChannelVector(loadingFrom: pixel + (3 &* channels))
                    sum1.addProduct(p, w1)
                    p = ChannelVector(loadingFrom: pixel + (4 &* channels))
                    sum1.addProduct(p, w2); sum2.addProduct(p, w0)
                    p = ChannelVector(loadingFrom: pixel + (5 &* channels))
                    sum2.addProduct(p, w1)
                    p = ChannelVector(loadingFrom: pixel + (6 &* channels))
                    sum2.addProduct(p, w2); sum3.addProduct(p, w0)
                    p = ChannelVector(loadingFrom: pixel + (7 &* channels))
                    sum3.addProduct(p, w1)
                    p = ChannelVector(loadingFrom: pixel + (8 &* channels))
                    sum3.addProduct(p, w2)
                }
            } else if kernelSize == 5 && stride == 2 {
                // Window j reads columns 2j ... 2j + 4: 11 column loads instead of 20.
                for ky in rows {
                    let pixel = x + (((firstRow &+ ky &- inputRowBase) &* width &+ firstColumn) &* channels &+ c)
                    let tap = w + (ky &* 5 &* channels &+ c)
                    let w0 = ChannelVector(loadingFrom: tap)
                    let w1 = ChannelVector(loadingFrom: tap + channels)
                    let w2 = ChannelVector(loadingFrom: tap + (2 &* channels))
                    let w3 = ChannelVector(loadingFrom: tap + (3 &* channels))
                    let w4 = ChannelVector(loadingFrom: tap + (4 &* channels))
                    var p = ChannelVector(loadingFrom: pixel)
                    sum0.addProduct(p, w0)
                    p = ChannelVector(loadingFrom: pixel + channels)
                    sum0.addProduct(p, w1)
                    p = ChannelVector(loadingFrom: pixel + (2 &* channels))
                    sum0.addProduct(p, w2); sum1.addProduct(p, w0)
                    p = ChannelVector(loadingFrom: pixel + (3 &* channels))
                    sum0.addProduct(p, w3); sum1.addProduct(p, w1)
                    p = ChannelVector(loadingFrom: pixel + (4 &* channels))
                    sum0.addProduct(p, w4); sum1.addProduct(p, w2); sum2.addProduct(p, w0)
                    p = ChannelVector(loadingFrom: pixel + (5 &* channels))
                    sum1.addProduct(p, w3); sum2.addProduct(p, w1)
                    p = ChannelVector(loadingFrom: pixel + (6 &* channels))
                    sum1.addProduct(p, w4); sum2.addProduct(p, w2); sum3.addProduct(p, w0)
                    p = ChannelVector(loadingFrom: pixel + (7 &* channels))
                    sum2.addProduct(p, w3); sum3.addProduct(p, w1)
                    p = ChannelVector(loadingFrom: pixel + (8 &* channels))
                    sum2.addProduct(p, w4); sum3.addProduct(p, w2)
                    p = ChannelVector(loadingFrom: pixel + (9 &* channels))
                    sum3.addProduct(p, w3)
                    p = ChannelVector(loadingFrom: pixel + (10 &* channels))
                    sum3.addProduct(p, w4)
                }
            } else {
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

    /// Eight adjacent outputs of a 3x3 or 5x5 stride-1 kernel: the 10 (12) input columns of each kernel row are
    /// loaded once for 24 (40) multiply-adds; 8 sums + 3 (5) weights + 1 column fill 12 (14) of the 16 vector
    /// registers. Each output adds its taps in ascending kx order, as the 4-pixel pass does.
    @inline(__always)
    func convolveEightInteriorPixels(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
                                        _ w: UnsafePointer<Float>, _ b: UnsafePointer<Float>, width: Int,
                                        outputWidth: Int, oy: Int, ox: Int, rows: Range<Int>,
                                        inputRowBase: Int, outputRowBase: Int) {
        let channels = channels
        let firstRow = oy &- padding.top
        let firstColumn = ox &- padding.left
        let out = y + ((oy &- outputRowBase) &* outputWidth &+ ox) &* channels
        let bounds = ActivationBounds(activation)
        var c = wideInterior(pixels: 8, x, w, b, width: width, firstRow: firstRow, firstColumn: firstColumn,
                             rows: rows, inputRowBase: inputRowBase, bounds: bounds, out)
        while c &+ ChannelVector.scalarCount <= channels {
            var s0 = ChannelVector(loadingFrom: b + c)
            var s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0
            for ky in rows {
                let pixel = x + (((firstRow &+ ky &- inputRowBase) &* width &+ firstColumn) &* channels &+ c)
                if kernelSize == 3 {
                    let tap = w + (ky &* 3 &* channels &+ c)
                    let w0 = ChannelVector(loadingFrom: tap)
                    let w1 = ChannelVector(loadingFrom: tap + channels)
                    let w2 = ChannelVector(loadingFrom: tap + (2 &* channels))
                    // Column j feeds outputs j - 2 ... j (weights w2 ... w0).
                    var p = ChannelVector(loadingFrom: pixel)
                    s0.addProduct(p, w0)
                    p = ChannelVector(loadingFrom: pixel + channels)
                    s0.addProduct(p, w1); s1.addProduct(p, w0)
                    p = ChannelVector(loadingFrom: pixel + (2 &* channels))
                    s0.addProduct(p, w2); s1.addProduct(p, w1); s2.addProduct(p, w0)
                    p = ChannelVector(loadingFrom: pixel + (3 &* channels))
                    s1.addProduct(p, w2); s2.addProduct(p, w1); s3.addProduct(p, w0)
                    p = ChannelVector(loadingFrom: pixel + (4 &* channels))
                    s2.addProduct(p, w2); s3.addProduct(p, w1); s4.addProduct(p, w0)
                    p = ChannelVector(loadingFrom: pixel + (5 &* channels))
                    s3.addProduct(p, w2); s4.addProduct(p, w1); s5.addProduct(p, w0)
                    p = ChannelVector(loadingFrom: pixel + (6 &* channels))
                    s4.addProduct(p, w2); s5.addProduct(p, w1); s6.addProduct(p, w0)
                    p = ChannelVector(loadingFrom: pixel + (7 &* channels))
                    s5.addProduct(p, w2); s6.addProduct(p, w1); s7.addProduct(p, w0)
                    p = ChannelVector(loadingFrom: pixel + (8 &* channels))
                    s6.addProduct(p, w2); s7.addProduct(p, w1)
                    p = ChannelVector(loadingFrom: pixel + (9 &* channels))
                    s7.addProduct(p, w2)
                } else {
                    let tap = w + (ky &* 5 &* channels &+ c)
                    let w0 = ChannelVector(loadingFrom: tap)
                    let w1 = ChannelVector(loadingFrom: tap + channels)
                    let w2 = ChannelVector(loadingFrom: tap + (2 &* channels))
                    let w3 = ChannelVector(loadingFrom: tap + (3 &* channels))
                    let w4 = ChannelVector(loadingFrom: tap + (4 &* channels))
                    // Column j feeds outputs j - 4 ... j (weights w4 ... w0).
                    var p = ChannelVector(loadingFrom: pixel)
                    s0.addProduct(p, w0)
                    p = ChannelVector(loadingFrom: pixel + channels)
                    s0.addProduct(p, w1); s1.addProduct(p, w0)
                    p = ChannelVector(loadingFrom: pixel + (2 &* channels))
                    s0.addProduct(p, w2); s1.addProduct(p, w1); s2.addProduct(p, w0)
                    p = ChannelVector(loadingFrom: pixel + (3 &* channels))
                    s0.addProduct(p, w3); s1.addProduct(p, w2); s2.addProduct(p, w1); s3.addProduct(p, w0)
                    p = ChannelVector(loadingFrom: pixel + (4 &* channels))
                    s0.addProduct(p, w4); s1.addProduct(p, w3); s2.addProduct(p, w2); s3.addProduct(p, w1)
                    s4.addProduct(p, w0)
                    p = ChannelVector(loadingFrom: pixel + (5 &* channels))
                    s1.addProduct(p, w4); s2.addProduct(p, w3); s3.addProduct(p, w2); s4.addProduct(p, w1)
                    s5.addProduct(p, w0)
                    p = ChannelVector(loadingFrom: pixel + (6 &* channels))
                    s2.addProduct(p, w4); s3.addProduct(p, w3); s4.addProduct(p, w2); s5.addProduct(p, w1)
                    s6.addProduct(p, w0)
                    p = ChannelVector(loadingFrom: pixel + (7 &* channels))
                    s3.addProduct(p, w4); s4.addProduct(p, w3); s5.addProduct(p, w2); s6.addProduct(p, w1)
                    s7.addProduct(p, w0)
                    p = ChannelVector(loadingFrom: pixel + (8 &* channels))
                    s4.addProduct(p, w4); s5.addProduct(p, w3); s6.addProduct(p, w2); s7.addProduct(p, w1)
                    p = ChannelVector(loadingFrom: pixel + (9 &* channels))
                    s5.addProduct(p, w4); s6.addProduct(p, w3); s7.addProduct(p, w2)
                    p = ChannelVector(loadingFrom: pixel + (10 &* channels))
                    s6.addProduct(p, w4); s7.addProduct(p, w3)
                    p = ChannelVector(loadingFrom: pixel + (11 &* channels))
                    s7.addProduct(p, w4)
                }
            }
            bounds(s0).store(to: out + c)
            bounds(s1).store(to: out + (channels &+ c))
            bounds(s2).store(to: out + (2 &* channels &+ c))
            bounds(s3).store(to: out + (3 &* channels &+ c))
            bounds(s4).store(to: out + (4 &* channels &+ c))
            bounds(s5).store(to: out + (5 &* channels &+ c))
            bounds(s6).store(to: out + (6 &* channels &+ c))
            bounds(s7).store(to: out + (7 &* channels &+ c))
            c &+= ChannelVector.scalarCount
        }
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

    /// Scalar path for the channels after the last whole vector.
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
                for kx in columns { sum += pixels[kx * channels] * taps[kx * channels] }
            }
            out[c] = activation(sum)
        }
    }
}
