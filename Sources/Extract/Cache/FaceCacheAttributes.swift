import Shared

/// The face-track cache's root attributes: written from `FaceCacheMetadata`, read back and range-checked
/// before any extent derived from them is trusted.
extension FaceCacheMetadata: CacheSettings {
    static var cacheName: String { "face-track cache" }

    /// Pixel sizes an attribute may state (frames, faces, detection sides); beyond is damage.
    static let pixelRange = 1...65_536

    func write(to file: HDF5File, createdAt: String) throws {
        typealias Name = FaceCacheSchema.Attribute
        try file.setAttribute(Name.formatVersion, Int64(FaceCacheSchema.formatVersion))
        try file.setAttribute(Name.kind, FaceCacheSchema.kind)
        try file.setAttribute(Name.dataset, dataset)
        try file.setAttribute(Name.frames, Int64(frames))
        try file.setAttribute(Name.samplingPolicy, samplingPolicy)
        try file.setAttribute(Name.detector, detector)
        try file.setAttribute(Name.detectorMinFaceSize, Int64(detectorMinFaceSize))
        try file.setAttribute(Name.detectorScaleFactor, detectorScaleFactor)
        try file.setAttribute(Name.detectorThresholds, detectorThresholds)
        try file.setAttribute(Name.detectionMaxSide, Int64(detectionMaxSide))
        try file.setAttribute(Name.pnetSHA256, pnetSHA256)
        try file.setAttribute(Name.rnetSHA256, rnetSHA256)
        try file.setAttribute(Name.onetSHA256, onetSHA256)
        try file.setAttribute(Name.trackingAlgorithm, trackingAlgorithm)
        try file.setAttribute(Name.trackingSeedConfidence, tracking.seedConfidence)
        try file.setAttribute(Name.trackingMaximumCentreShift, tracking.maximumCentreShift)
        try file.setAttribute(Name.trackingMaximumSizeChange, tracking.maximumSizeChange)
        try file.setAttribute(Name.tracking, tracking.description)
        try file.setAttribute(Name.toolVersion, toolVersion)
        try file.setAttribute(Name.createdAt, createdAt)
        try ShardAttributes.write(listingSHA256: listingSHA256, shard: shard, to: file)
    }

    /// Reads the root attributes, refusing another kind of file, other format versions and values no
    /// writer produces.
    static func read(from file: HDF5File) throws -> FaceCacheMetadata {
        typealias Name = FaceCacheSchema.Attribute
        let path = file.url.path
        let kind = try file.hasAttribute(Name.kind) ? file.stringAttribute(Name.kind) : "(none)"
        guard kind == FaceCacheSchema.kind else {
            throw CacheFormatError(file: path, problem: "attribute kind is '\(kind)', expected '\(FaceCacheSchema.kind)' "
                                   + "(is it an embedding cache?)", cacheName: cacheName)
        }
        let version = try file.attribute(Name.formatVersion, as: Int64.self)
        guard version == FaceCacheSchema.formatVersion else {
            throw CacheFormatError(file: path, problem: "format_version is \(version), this tool reads "
                                   + "\(FaceCacheSchema.formatVersion)", cacheName: cacheName)
        }
        func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int {
            let value = try file.attribute(name, as: Int64.self)
            guard value >= range.lowerBound, value <= range.upperBound else {
                throw CacheFormatError(file: path, problem: "attribute \(name) is \(value), outside "
                                       + "\(range.lowerBound)...\(range.upperBound)", cacheName: cacheName)
            }
            return Int(value)
        }
        var metadata = FaceCacheMetadata(
            dataset: try file.stringAttribute(Name.dataset),
            frames: try integer(Name.frames, in: ExtractionRequest.frameRange),
            samplingPolicy: try file.stringAttribute(Name.samplingPolicy),
            detector: try file.stringAttribute(Name.detector),
            detectorMinFaceSize: try integer(Name.detectorMinFaceSize, in: pixelRange),
            detectorScaleFactor: try file.attribute(Name.detectorScaleFactor, as: Double.self),
            detectorThresholds: try file.arrayAttribute(Name.detectorThresholds, as: Float.self),
            detectionMaxSide: try integer(Name.detectionMaxSide, in: 0...pixelRange.upperBound),
            pnetSHA256: try file.stringAttribute(Name.pnetSHA256),
            rnetSHA256: try file.stringAttribute(Name.rnetSHA256),
            onetSHA256: try file.stringAttribute(Name.onetSHA256),
            trackingAlgorithm: try file.stringAttribute(Name.trackingAlgorithm),
            tracking: FaceTrackingSettings(
                seedConfidence: try file.attribute(Name.trackingSeedConfidence, as: Float.self),
                maximumCentreShift: try file.attribute(Name.trackingMaximumCentreShift, as: Float.self),
                maximumSizeChange: try file.attribute(Name.trackingMaximumSizeChange, as: Float.self)),
            toolVersion: try file.stringAttribute(Name.toolVersion))
        (metadata.listingSHA256, metadata.shard) = try ShardAttributes.read(from: file)
        if let problem = metadata.valueProblem {
            throw CacheFormatError(file: path, problem: problem, cacheName: cacheName)
        }
        return metadata
    }

    /// What no detector or tracker setting can be (NaN factors, a fourth threshold), or nil.
    var valueProblem: String? {
        typealias Name = FaceCacheSchema.Attribute
        if !(detectorScaleFactor > 0 && detectorScaleFactor < 1) {
            return "attribute \(Name.detectorScaleFactor) is \(detectorScaleFactor), outside (0, 1)"
        }
        if detectorThresholds.count != 3 || !detectorThresholds.allSatisfy({ $0 >= 0 && $0 <= 1 }) {
            return "attribute \(Name.detectorThresholds) is \(detectorThresholds), expected three values in 0...1"
        }
        let tracking = [(Name.trackingSeedConfidence, self.tracking.seedConfidence, Float(1)),
                        (Name.trackingMaximumCentreShift, self.tracking.maximumCentreShift, Float(1000)),
                        (Name.trackingMaximumSizeChange, self.tracking.maximumSizeChange, Float(1000))]
        for (name, value, limit) in tracking where !(value >= 0 && value <= limit) {
            return "attribute \(name) is \(value), outside 0...\(Int(limit))"
        }
        return nil
    }
}
