import Foundation
import Shared

/// MTCNN face detection (Zhang et al. 2016) exactly as facenet-pytorch 2.6.0's detect_face runs it, with its
/// weights. Stage one scans an image pyramid (scales 12 / minFaceSize * factor^k while the short side stays at
/// least 12 pixels; each level area-resampled, i.e. adaptively average-pooled) with the fully convolutional
/// P-Net: every output cell whose face probability reaches the first threshold proposes its 12 x 12 window
/// (stride 2), suppressed at IoU 0.5 within its level and 0.7 over all levels, then moved by its regression and
/// made square. Stage two crops each candidate (truncated to whole pixels and clipped, as facenet-pytorch pads
/// it), resamples it to 24 x 24 for R-Net, keeps those above the second threshold, suppresses at IoU 0.7,
/// regresses and squares them. Stage three does the same at 48 x 48 with O-Net, which also places five
/// landmarks, and suppresses at 0.7 of the smaller box ('Min'). The float32 box arithmetic and both
/// suppressions follow facenet-pytorch step for step, so boxes match it to rounding, not just approximately.
public struct MTCNN: FaceDetector {
    public let settings: MTCNNSettings
    let pnet: PNet
    let rnet: RNet
    let onet: ONet

    /// SHA-256 of the P-Net, R-Net and O-Net weight files, in that order (what a face cache records).
    public static let weightSHA256s: [String] = MTCNNNetwork.allCases.map(\.weightSHA256)

    /// Reads the three pinned weight files from `modelsDirectory` (models/, filled by `make setup`).
    public static func load(modelsDirectory: URL, settings: MTCNNSettings = .facenetDefaults) throws -> MTCNN {
        if let problem = settings.problem { throw PipelineError(problem) }
        return MTCNN(settings: settings,
                     pnet: try PNet(MTCNNNetwork.pnet.checkpoint(in: modelsDirectory)),
                     rnet: try RNet(MTCNNNetwork.rnet.checkpoint(in: modelsDirectory)),
                     onet: try ONet(MTCNNNetwork.onet.checkpoint(in: modelsDirectory)))
    }

    /// Several images spread over the cores, one image a core; a single image splits its layers instead.
    public func detect(_ images: [RGBImage]) -> [[FaceDetection]] {
        guard images.count > 1 && CoreBudget.current > 1 else { return images.map(detectFaces) }
        var results = [[FaceDetection]](repeating: [], count: images.count)
        results.withUnsafeMutableBufferPointer { results in
            let results = UncheckedResults(base: results.baseAddress!)
            parallelFor(count: images.count) { results.base[$0] = detectFaces(in: images[$0]) }
        }
        return results
    }

    /// Faces in one image, most probable first.
    func detectFaces(in image: RGBImage) -> [FaceDetection] {
        let proposals = proposals(in: image)
        let refined = refine(proposals, in: image)
        return finalFaces(refined, in: image)
    }

    /// The pyramid's scales: 12 / minFaceSize, times the factor, while the short side times the scale is >= 12
    /// (in double precision, as Python computes them).
    static func pyramidScales(width: Int, height: Int, settings: MTCNNSettings) -> [Double] {
        let first = 12.0 / Double(settings.minFaceSize)
        var side = Double(min(width, height)) * first
        var scale = first
        var scales: [Double] = []
        while side >= 12 {
            scales.append(scale)
            scale *= settings.scaleFactor
            side *= settings.scaleFactor
        }
        return scales
    }

    /// Stage one: P-Net windows over the pyramid, suppressed per level and over all, regressed, made square.
    func proposals(in image: RGBImage) -> [CandidateBox] {
        var candidates: [CandidateBox] = []
        for scale in Self.pyramidScales(width: image.width, height: image.height, settings: settings) {
            let level = AreaResampling.resample(image, width: Int(Double(image.width) * scale + 1),
                                                height: Int(Double(image.height) * scale + 1))
            let windows = Self.windows(pnet(level), scale: scale, threshold: settings.thresholds[0])
            candidates += NonMaximumSuppression.union(windows, threshold: 0.5)
        }
        return NonMaximumSuppression.union(candidates, threshold: 0.7).map { $0.regressedByWindow().squared() }
    }

    /// generateBoundingBox: every cell of a P-Net map whose face probability is >= threshold, row by row.
    static func windows(_ map: FeatureMap, scale: Double, threshold: Float) -> [CandidateBox] {
        var windows: [CandidateBox] = []
        map.data.withUnsafeBufferPointer { data in
            for row in 0..<map.height {
                for column in 0..<map.width {
                    let cell = data.baseAddress! + (row * map.width + column) * map.channels
                    guard cell[1] >= threshold else { continue }
                    windows.append(.window(column: column, row: row, scale: scale, score: cell[1],
                                           regression: SIMD4(cell[2], cell[3], cell[4], cell[5])))
                }
            }
        }
        return windows
    }

    /// Stage two: R-Net on 24 x 24 crops; those above the threshold, suppressed, regressed, made square.
    func refine(_ boxes: [CandidateBox], in image: RGBImage) -> [CandidateBox] {
        var passed: [CandidateBox] = []
        for (index, o) in Self.networkRows(boxes, in: image, size: RNet.inputSize, outputs: 6, rnet.callAsFunction) {
            guard o[1] > settings.thresholds[1] else { continue }
            var box = boxes[index]
            box.score = o[1]
            box.regression = SIMD4(o[2], o[3], o[4], o[5])
            passed.append(box)
        }
        return NonMaximumSuppression.union(passed, threshold: 0.7).map { $0.regressed(by: $0.regression).squared() }
    }

    /// Stage three: O-Net on 48 x 48 crops; those above the threshold get landmarks (placed in the box before
    /// its last regression, as facenet-pytorch places them), are regressed and suppressed by overlap of the
    /// smaller box.
    func finalFaces(_ boxes: [CandidateBox], in image: RGBImage) -> [FaceDetection] {
        var passed: [CandidateBox] = []
        var landmarks: [[FacePoint]] = []
        for (index, o) in Self.networkRows(boxes, in: image, size: ONet.inputSize, outputs: 16, onet.callAsFunction) {
            guard o[1] > settings.thresholds[2] else { continue }
            var box = boxes[index]
            let (width, height) = (box.x2 - box.x1 + 1, box.y2 - box.y1 + 1)
            landmarks.append((0..<5).map { k in
                FacePoint(x: width * o[6 + k] + box.x1 - 1, y: height * o[11 + k] + box.y1 - 1)
            })
            box.score = o[1]
            box = box.regressed(by: SIMD4(o[2], o[3], o[4], o[5]))
            // The landmarks' index rides in the regression slot, unused from here on, through the suppression.
            box.regression = SIMD4(Float(landmarks.count - 1), 0, 0, 0)
            passed.append(box)
        }
        return NonMaximumSuppression.minimum(passed, threshold: 0.7).map { box in
            FaceDetection(box: box.faceBox, probability: box.score, landmarks: landmarks[Int(box.regression[0])])
        }
    }

    /// Crops go through R-Net and O-Net at most this many at a time (facenet-pytorch batches 512), bounding
    /// memory when stage one proposes thousands of boxes: R-Net's first layer holds 54 KB a crop.
    static let cropBatch = 256

    /// Each box's crop through `network`, in batches: the box's index and the network's output row. Each
    /// output depends only on its own crop, so the batching changes no value.
    static func networkRows(_ boxes: [CandidateBox], in image: RGBImage, size: Int, outputs: Int,
                            _ network: (FeatureMap) -> FeatureMap) -> [(box: Int, output: [Float])] {
        var rows: [(box: Int, output: [Float])] = []
        for start in stride(from: 0, to: boxes.count, by: cropBatch) {
            let (crops, sources) = crops(of: Array(boxes[start..<min(start + cropBatch, boxes.count)]), in: image,
                                         size: size)
            guard !sources.isEmpty else { continue }
            let output = network(crops)
            for (row, index) in sources.enumerated() {
                rows.append((start + index, Array(output.data[row * outputs..<(row + 1) * outputs])))
            }
        }
        return rows
    }

    /// Each box's crop resampled to size x size, as a batch; `sources` lists which box each crop came from
    /// (boxes whose crop would be empty are left out).
    static func crops(of boxes: [CandidateBox], in image: RGBImage, size: Int) -> (FeatureMap, sources: [Int]) {
        var regions: [PixelRegion] = [], sources: [Int] = []
        for (index, box) in boxes.enumerated() {
            guard let region = box.cropRegion(imageWidth: image.width, imageHeight: image.height) else { continue }
            regions.append(region)
            sources.append(index)
        }
        var batch = FeatureMap(uninitializedBatch: regions.count, height: size, width: size, channels: 3)
        batch.data.withUnsafeMutableBufferPointer { data in
            let data = UncheckedFloats(base: data.baseAddress!)
            // Crops in contiguous shares, one per core (a crop's cost grows with its size, but lists are mixed).
            let parts = min(CoreBudget.current, max(1, regions.count / 4))
            parallelFor(count: parts) { part in
                for k in regions.count * part / parts..<regions.count * (part + 1) / parts {
                    AreaResampling.resample(image, region: regions[k], outputWidth: size, outputHeight: size,
                                            into: data.base + k * size * size * 3)
                }
            }
        }
        return (batch, sources)
    }
}

/// Result slots written by disjoint indices of a parallel loop.
private struct UncheckedResults: @unchecked Sendable {
    let base: UnsafeMutablePointer<[FaceDetection]>
}

private struct UncheckedFloats: @unchecked Sendable {
    let base: UnsafeMutablePointer<Float>
}
