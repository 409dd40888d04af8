/// Turns the faces a track found into a value for every slot: a slot between two found slots takes the box
/// and landmarks interpolated linearly by slot position, a slot before the first or after the last found
/// one copies the nearest, a padded slot (no frame) holds zeros. Only found slots keep a score.
enum FaceTrackFilling {
    /// - Parameters:
    ///   - chosen: the subject's detection per slot, nil where it was not found; at least one is not nil.
    ///   - padded: true for slots without a frame (never found).
    static func fill(_ chosen: [FaceDetection?], padded: [Bool]) -> FaceTrack {
        let foundSlots = chosen.indices.filter { chosen[$0] != nil }
        var track = FaceTrack(boxes: [], scores: [], landmarks: [], found: [])
        var next = 0  // index into foundSlots of the first found slot at or after `slot`
        for slot in chosen.indices {
            while next < foundSlots.count && foundSlots[next] < slot { next += 1 }
            if let face = chosen[slot] {
                track.append(face.box, score: face.probability, landmarks: face.landmarks, found: true)
                continue
            }
            if padded[slot] {
                track.append(FaceTrack.emptyBox, score: 0, landmarks: FaceTrack.emptyLandmarks, found: false)
                continue
            }
            let before = next > 0 ? chosen[foundSlots[next - 1]] : nil
            let after = next < foundSlots.count ? chosen[foundSlots[next]] : nil
            let face: FaceDetection
            if let before, let after {
                let (start, end) = (foundSlots[next - 1], foundSlots[next])
                face = interpolate(before, after, at: Float(slot - start) / Float(end - start))
            } else {
                face = (before ?? after)!
            }
            track.append(face.box, score: 0, landmarks: face.landmarks, found: false)
        }
        return track
    }

    /// The box and landmarks a fraction `t` of the way from `a` to `b`.
    static func interpolate(_ a: FaceDetection, _ b: FaceDetection, at t: Float) -> FaceDetection {
        func mix(_ x: Float, _ y: Float) -> Float { x + (y - x) * t }
        let box = FaceBox(x1: mix(a.box.x1, b.box.x1), y1: mix(a.box.y1, b.box.y1),
                          x2: mix(a.box.x2, b.box.x2), y2: mix(a.box.y2, b.box.y2))
        let landmarks = zip(a.landmarks, b.landmarks).map { FacePoint(x: mix($0.x, $1.x), y: mix($0.y, $1.y)) }
        return FaceDetection(box: box, probability: 0, landmarks: landmarks)
    }
}

extension FaceTrack {
    fileprivate mutating func append(_ box: FaceBox, score: Float, landmarks points: [FacePoint], found isFound: Bool) {
        boxes.append(box)
        scores.append(score)
        landmarks.append(points)
        found.append(isFound)
    }
}
