/// Every rule a face-track row meets (docs/face-cache-format.md, "What readers check"). The writer checks a
/// row before journalling it and the reader checks every row it opens, with the same rules, so a cache
/// that was written can always be read and a damaged one is refused before its boxes reach a crop.
enum FaceTrackCheck {
    /// The problem with `record` in a cache of `frames` slots, naming the dataset and slot, or nil.
    static func problem(in record: FaceTrackRecord, frames: Int) -> String? {
        if let problem = shapeProblem(record, frames: frames) { return "'\(record.path)': \(problem)" }
        if let problem = slotProblem(record) ?? trackProblem(record) { return "'\(record.path)': \(problem)" }
        return nil
    }

    private static func shapeProblem(_ record: FaceTrackRecord, frames: Int) -> String? {
        let track = record.track
        let counts = [record.frameIndices.count, record.valid.count, track.boxes.count, track.scores.count,
                      track.landmarks.count, track.found.count]
        guard counts.allSatisfy({ $0 == frames }) else {
            return "frame indices, valid flags, boxes, scores, landmarks and found flags number \(counts), expected \(frames) each"
        }
        if let slot = track.landmarks.firstIndex(where: { $0.count != FaceTrack.landmarkCount }) {
            return "/\(FaceCacheSchema.Dataset.landmarks) slot \(slot) has \(track.landmarks[slot].count) points, expected 5"
        }
        let sizes = FaceCacheMetadata.pixelRange
        guard sizes.contains(Int(record.frameWidth)), sizes.contains(Int(record.frameHeight)) else {
            return "/\(FaceCacheSchema.Dataset.frameSizes) is \(record.frameWidth) x \(record.frameHeight); "
                + "frame sides are \(sizes.lowerBound)...\(sizes.upperBound)"
        }
        return nil
    }

    /// Frame numbers within the video, a real frame somewhere, found only where there is a frame.
    private static func slotProblem(_ record: FaceTrackRecord) -> String? {
        typealias Name = CacheSchema.Dataset
        for (slot, index) in record.frameIndices.enumerated() {
            guard index == -1 || (index >= 0 && index < record.totalFrames) else {
                return "/\(Name.frameIndices) slot \(slot) is \(index); frame numbers are -1 (padding) or "
                    + "0...\(Int(record.totalFrames) - 1) (/\(Name.totalFrames) is \(record.totalFrames))"
            }
            if record.valid[slot] && index < 0 {
                return "/\(Name.valid) marks slot \(slot) as a real frame but its frame index is -1"
            }
        }
        if let slot = record.track.found.indices.first(where: { record.track.found[$0] && !record.valid[$0] }) {
            return "/\(FaceCacheSchema.Dataset.faceFound) marks slot \(slot) as found but it holds no frame (/valid is 0)"
        }
        guard record.track.found.contains(true) else {
            return "/\(FaceCacheSchema.Dataset.faceFound) marks no slot as found; a video without a face is a failure"
        }
        return nil
    }

    /// Scores in 0...1 where found and 0 elsewhere; usable boxes and finite landmarks near the frame in every
    /// slot with a frame, zeros in padded ones.
    private static func trackProblem(_ record: FaceTrackRecord) -> String? {
        typealias Name = FaceCacheSchema.Dataset
        let track = record.track
        let side = Float(max(record.frameWidth, record.frameHeight))
        // A box may leave the frame (a face at the edge, squared and enlarged) but not by a whole frame.
        let xRange = -side...Float(record.frameWidth) + side, yRange = -side...Float(record.frameHeight) + side
        for slot in 0..<track.slotCount {
            let score = track.scores[slot]
            if track.found[slot] ? !(score > 0 && score <= 1) : score != 0 {
                return "/\(Name.scores) slot \(slot) is \(score); a found face scores in (0, 1], other slots 0"
            }
            let box = track.boxes[slot], points = track.landmarks[slot]
            guard record.valid[slot] else {
                guard box == FaceTrack.emptyBox, points == FaceTrack.emptyLandmarks else {
                    return "/\(Name.boxes) or /\(Name.landmarks) slot \(slot) is not zero, but the slot holds no frame"
                }
                continue
            }
            guard box.isUsable, xRange.contains(box.x1), xRange.contains(box.x2),
                  yRange.contains(box.y1), yRange.contains(box.y2) else {
                return "/\(Name.boxes) slot \(slot) is (\(box.x1), \(box.y1), \(box.x2), \(box.y2)); boxes are finite, "
                    + "not empty and within a frame size of the \(record.frameWidth) x \(record.frameHeight) frame"
            }
            if let point = points.first(where: { !xRange.contains($0.x) || !yRange.contains($0.y) }) {
                return "/\(Name.landmarks) slot \(slot) holds (\(point.x), \(point.y)); landmarks are finite and "
                    + "within a frame size of the \(record.frameWidth) x \(record.frameHeight) frame"
            }
        }
        return nil
    }
}
