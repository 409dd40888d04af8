import Foundation
import Shared

/// `extract faces --preview`: a contact sheet of the face cache's crops, one row per video, so a researcher can
/// see what the backbone will see. Crops are cut from the full-resolution frames exactly as `extract` cuts
/// them (same tracks, same scale), only at thumbnail size.
public struct FacePreview {
    public let request: ExtractionRequest
    /// Videos drawn (the first ones in dataset order; failures included).
    public let videoLimit: Int
    public static let thumbnailSide = 96

    public init(request: ExtractionRequest, videoLimit: Int = 48) {
        self.request = request
        self.videoLimit = videoLimit
    }

    /// `cache/<DATA>/faces_f<FRAMES>_preview.png`.
    public var outputURL: URL {
        let faces = FaceCacheSchema.cacheURL(root: request.cacheDirectory, dataset: request.dataset, frames: request.frames)
        return faces.deletingPathExtension().appendingPathExtension("preview.png")
    }

    /// Reads the face cache at `faceCacheURL`, crops the first videos and writes the sheet; returns its URL.
    public func write(faceCacheURL: URL) throws -> URL {
        let reader = try FaceCacheReader(url: faceCacheURL)
        var preprocessing = request.preprocessing
        preprocessing.outputSize = Self.thumbnailSide
        let sampler = VideoFrameSampler(frameCount: request.frames, preprocessing: preprocessing, mode: request.samplingMode)
        let root = request.dataDirectory.appendingPathComponent(request.dataset, isDirectory: true)
        var entries: [(path: String, row: () -> ContactSheet.Row)] = reader.records.map { record in
            (record.path, { Self.row(for: record, sampler: sampler, root: root) })
        }
        entries += reader.failures.map { failure in
            (failure.path, { ContactSheet.Row(title: failure.path, failure: Self.shortReason(failure.reason, path: failure.path)) })
        }
        entries.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        let total = entries.count
        let rows = entries.prefix(videoLimit).map { $0.row() }
        let title = "\(request.dataset): face crops at scale \(request.faceScale), \(request.frames) frames"
            + (total > videoLimit ? " (first \(videoLimit) of \(total) videos)" : " (\(total) videos)")
        let sheet = ContactSheet(title: title, thumbnailSide: Self.thumbnailSide, maxVideos: videoLimit)
        try PNGWriter.write(sheet.render(rows), to: outputURL)
        return outputURL
    }

    private static func row(for record: FaceTrackRecord, sampler: VideoFrameSampler, root: URL) -> ContactSheet.Row {
        let url = root.appendingPathComponent(record.path)
        do {
            let cropping = FaceCropping(sampler: sampler, detector: NoDetector(), resolution: DetectionResolution(),
                                        tracking: FaceTrackingSettings(), noFace: .fail)
            let video = try cropping.process(url, known: .track(record.track, frameIndices: record.frameIndices))
            let slots = video.sampled.images.indices.map { slot -> ContactSheet.Slot in
                guard video.sampled.valid[slot] else { return ContactSheet.Slot(.padded) }
                return ContactSheet.Slot(record.track.found[slot] ? .found : .interpolated, image: video.sampled.images[slot])
            }
            return ContactSheet.Row(title: record.path, slots: slots)
        } catch {
            return ContactSheet.Row(title: record.path, failure: shortReason("\(error)", path: url.path))
        }
    }

    /// The reason without the leading path the title already shows.
    private static func shortReason(_ reason: String, path: String) -> String {
        guard let named = reason.range(of: path + ": ") else { return reason }
        return String(reason[named.upperBound...])
    }

    /// Tracks are known here; nothing is detected.
    private struct NoDetector: FaceDetector {
        func detect(_ images: [RGBImage]) -> [[FaceDetection]] { images.map { _ in [] } }
    }
}
