/// torch.cat(maps, dim=1) in NHWC: each output pixel is the maps' channel runs for that pixel, in order
/// (Inception's branches, DenseNet's growing feature stack).
public func concatenateChannels(_ maps: [FeatureMap]) -> FeatureMap {
    precondition(!maps.isEmpty, "nothing to concatenate")
    let (batch, height, width) = (maps[0].batch, maps[0].height, maps[0].width)
    for map in maps {
        precondition(map.batch == batch && map.height == height && map.width == width,
                     "concatenated maps must share batch and spatial size")
    }
    let channels = maps.reduce(0) { $0 + $1.channels }
    var output = FeatureMap(uninitializedBatch: batch, height: height, width: width, channels: channels)
    let pixels = batch * height * width
    output.data.withUnsafeMutableBufferPointer { y in
        var offset = 0
        for map in maps {
            map.data.withUnsafeBufferPointer { x in
                for p in 0..<pixels {
                    (y.baseAddress! + p * channels + offset).update(from: x.baseAddress! + p * map.channels,
                                                                    count: map.channels)
                }
            }
            offset += map.channels
        }
    }
    return output
}
