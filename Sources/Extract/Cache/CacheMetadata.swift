import Shared

/// What produced a cache: two caches with equal metadata (tool version aside) hold comparable embeddings.
public struct CacheMetadata: Sendable, Equatable, Codable {
    public var backbone: String
    public var weightsSHA256: String
    /// Square input side in pixels.
    public var inputSize: Int
    /// e.g. "imagenet mean=[0.485,0.456,0.406] std=[0.229,0.224,0.225]".
    public var normalization: String
    /// Frames sampled per video (FRAMES).
    public var frames: Int
    /// Length of one frame's embedding (dim).
    public var embeddingDimension: Int
    public var samplingPolicy: String
    public var cropPolicy: String
    public var toolVersion: String
    /// Dataset name.
    public var dataset: String
    /// Face crops only (nil otherwise): the crop square's side over the face box's longer side.
    public var faceScale: Float?
    /// Face crops only: SHA-256 of the face-track settings (detector, weights, detection size, tracking).
    public var faceTracksSHA256: String?
    /// Face crops only: what became of videos without a face ("fail" or "whole-frame", a `NoFacePolicy`).
    public var noFace: String?
    /// Face crops only: faces were detected on copies whose longer side is at most this.
    public var detectMaxSide: Int?
    /// SHA-256 of the dataset listing (paths and sizes, `ListingDigest`) the cache was made from: a cache
    /// is fresh when it still matches, whatever the files' modification times. Not a setting: a changed
    /// dataset updates the cache instead of being refused.
    public var listingSHA256: String?
    /// Shard caches only: which part of the listing this file holds (`ShardPlan`).
    public var shard: ShardSpec?

    public init(backbone: String, weightsSHA256: String, inputSize: Int, normalization: String, frames: Int,
                embeddingDimension: Int, samplingPolicy: String, cropPolicy: String,
                toolVersion: String = ToolVersion.string, dataset: String) {
        self.backbone = backbone
        self.weightsSHA256 = weightsSHA256
        self.inputSize = inputSize
        self.normalization = normalization
        self.frames = frames
        self.embeddingDimension = embeddingDimension
        self.samplingPolicy = samplingPolicy
        self.cropPolicy = cropPolicy
        self.toolVersion = toolVersion
        self.dataset = dataset
    }

    /// Fields that differ in a way that changes embeddings ("name: stored X, requested Y").
    /// The tool version is left out so an upgrade does not throw away a valid cache.
    public func differences(from requested: CacheMetadata) -> [String] {
        var found: [String] = []
        func compare<Value: Equatable>(_ name: String, _ stored: Value, _ wanted: Value) {
            if stored != wanted { found.append("\(name): cache has \(stored), requested \(wanted)") }
        }
        compare(CacheSchema.Attribute.backbone, backbone, requested.backbone)
        compare(CacheSchema.Attribute.weightsSHA256, weightsSHA256, requested.weightsSHA256)
        compare(CacheSchema.Attribute.inputSize, inputSize, requested.inputSize)
        compare(CacheSchema.Attribute.normalization, normalization, requested.normalization)
        compare(CacheSchema.Attribute.frames, frames, requested.frames)
        compare(CacheSchema.Attribute.embeddingDimension, embeddingDimension, requested.embeddingDimension)
        compare(CacheSchema.Attribute.samplingPolicy, samplingPolicy, requested.samplingPolicy)
        compare(CacheSchema.Attribute.cropPolicy, cropPolicy, requested.cropPolicy)
        compare(CacheSchema.Attribute.dataset, dataset, requested.dataset)
        compare(CacheSchema.Attribute.faceScale, faceScale.map { "\($0)" } ?? "none", requested.faceScale.map { "\($0)" } ?? "none")
        compare(CacheSchema.Attribute.faceTracksSHA256, faceTracksSHA256 ?? "none", requested.faceTracksSHA256 ?? "none")
        compare(CacheSchema.Attribute.noFace, noFace ?? "none", requested.noFace ?? "none")
        compare(CacheSchema.Attribute.detectMaxSide, detectMaxSide ?? 0, requested.detectMaxSide ?? 0)
        compare("shard", shard.map { "\($0)" } ?? "none", requested.shard.map { "\($0)" } ?? "none")
        return found
    }

    /// Writes the root attributes (format version and creation time included).
    func write(to file: HDF5File, createdAt: String) throws {
        typealias Name = CacheSchema.Attribute
        try file.setAttribute(Name.formatVersion, Int64(CacheSchema.formatVersion))
        try file.setAttribute(Name.backbone, backbone)
        try file.setAttribute(Name.weightsSHA256, weightsSHA256)
        try file.setAttribute(Name.inputSize, Int64(inputSize))
        try file.setAttribute(Name.normalization, normalization)
        try file.setAttribute(Name.frames, Int64(frames))
        try file.setAttribute(Name.embeddingDimension, Int64(embeddingDimension))
        try file.setAttribute(Name.samplingPolicy, samplingPolicy)
        try file.setAttribute(Name.cropPolicy, cropPolicy)
        try file.setAttribute(Name.toolVersion, toolVersion)
        try file.setAttribute(Name.createdAt, createdAt)
        try file.setAttribute(Name.dataset, dataset)
        if let faceScale { try file.setAttribute(Name.faceScale, Double(faceScale)) }
        if let faceTracksSHA256 { try file.setAttribute(Name.faceTracksSHA256, faceTracksSHA256) }
        if let noFace { try file.setAttribute(Name.noFace, noFace) }
        if let detectMaxSide { try file.setAttribute(Name.detectMaxSide, Int64(detectMaxSide)) }
        try ShardAttributes.write(listingSHA256: listingSHA256, shard: shard, to: file)
    }

    /// Reads the root attributes, refusing other format versions.
    static func read(from file: HDF5File) throws -> CacheMetadata {
        typealias Name = CacheSchema.Attribute
        let version = try file.attribute(Name.formatVersion, as: Int64.self)
        guard version == CacheSchema.formatVersion else {
            throw CacheFormatError(file: file.url.path,
                                   problem: "format_version is \(version), this tool reads \(CacheSchema.formatVersion)")
        }
        var metadata = CacheMetadata(
            backbone: try file.stringAttribute(Name.backbone),
            weightsSHA256: try file.stringAttribute(Name.weightsSHA256),
            inputSize: Int(try file.attribute(Name.inputSize, as: Int64.self)),
            normalization: try file.stringAttribute(Name.normalization),
            frames: Int(try file.attribute(Name.frames, as: Int64.self)),
            embeddingDimension: Int(try file.attribute(Name.embeddingDimension, as: Int64.self)),
            samplingPolicy: try file.stringAttribute(Name.samplingPolicy),
            cropPolicy: try file.stringAttribute(Name.cropPolicy),
            toolVersion: try file.stringAttribute(Name.toolVersion),
            dataset: try file.stringAttribute(Name.dataset))
        if try file.hasAttribute(Name.faceScale) {
            let scale = try file.attribute(Name.faceScale, as: Double.self)
            guard FramePreprocessing.faceScaleRange.contains(Float(scale)) else {
                throw CacheFormatError(file: file.url.path, problem: "face_scale is \(scale), outside \(FramePreprocessing.faceScaleRange)")
            }
            metadata.faceScale = Float(scale)
        }
        if try file.hasAttribute(Name.faceTracksSHA256) {
            metadata.faceTracksSHA256 = try file.stringAttribute(Name.faceTracksSHA256)
        }
        if try file.hasAttribute(Name.noFace) {
            metadata.noFace = try file.stringAttribute(Name.noFace)
        }
        if try file.hasAttribute(Name.detectMaxSide) {
            let side = try file.attribute(Name.detectMaxSide, as: Int64.self)
            guard DetectionResolution.allowedMaxSides.contains(Int(clamping: side)) else {
                throw CacheFormatError(file: file.url.path, problem: "face_detect_max_side is \(side), outside \(DetectionResolution.allowedMaxSides)")
            }
            metadata.detectMaxSide = Int(side)
        }
        (metadata.listingSHA256, metadata.shard) = try ShardAttributes.read(from: file)
        return metadata
    }
}
