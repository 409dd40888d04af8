import Foundation

/// One subject per video: picks the person the video is about and follows them from sampled frame to
/// sampled frame, so a second person passing by does not take over the track.
///
/// 1. Detections that cannot be a face are dropped: a degenerate or non-finite box, a probability outside
///    0...1, landmarks that are not five finite points.
/// 2. Seeds: in each slot, the largest face (by area) with probability >= `seedConfidence` (when no slot
///    has one, the largest face of any probability).
/// 3. From each seed the track is followed forwards and backwards: in the next slot, of the faces whose
///    centre moved at most `maximumCentreShift` x the last box's longer side per slot since it was last found
///    (sparse samples of a moving head are far apart) and whose size changed at most `maximumSizeChange`x,
///    the one with the highest IoU with the last found box (then the nearest centre).
///    A slot without such a face is not found, and the last found box stays the reference.
/// 4. The subject is the seed's track that is found in the most slots (ties: larger faces, then the
///    earlier seed): a face in a few frames loses to the one the video keeps showing, however large.
/// 5. Slots where the subject was not found are filled (`FaceTrackFilling`).
public enum FaceTracking {
    /// Names the algorithm in cache attributes: a change to it must change this name.
    public static let algorithm = "subject-track-v1"

    /// - Parameter detections: per slot, the faces found in that slot's frame (full-resolution display
    ///   coordinates); nil for a padded slot (no frame).
    /// - Returns: the subject's track, or nil when no slot has a usable face.
    public static func track(_ detections: [[FaceDetection]?], settings: FaceTrackingSettings = .init()) -> FaceTrack? {
        let usable = detections.map { $0?.filter(isUsable) }
        var best: (chosen: [FaceDetection?], found: Int, area: Float)?
        for (slot, seed) in seeds(usable, settings: settings) {
            let chosen = follow(from: seed, at: slot, through: usable, settings: settings)
            let found = chosen.reduce(0) { $0 + ($1 == nil ? 0 : 1) }
            let area = chosen.reduce(Float(0)) { $0 + ($1?.box.area ?? 0) }
            // Strictly better only, so among equal tracks the earliest seed stays.
            if best == nil || found > best!.found || (found == best!.found && area > best!.area) {
                best = (chosen, found, area)
            }
        }
        guard let best else { return nil }
        return FaceTrackFilling.fill(best.chosen, padded: usable.map { $0 == nil })
    }

    /// Whether a detection can be tracked and stored at all.
    static func isUsable(_ face: FaceDetection) -> Bool {
        face.box.isUsable && face.box.area.isFinite && (0...1).contains(face.probability)
            && face.landmarks.count == FaceTrack.landmarkCount
            && face.landmarks.allSatisfy { $0.x.isFinite && $0.y.isFinite }
    }

    /// The largest confident face of each slot, in slot order; any face when no slot has a confident one.
    static func seeds(_ usable: [[FaceDetection]?], settings: FaceTrackingSettings) -> [(slot: Int, face: FaceDetection)] {
        func largest(_ faces: [FaceDetection]) -> FaceDetection? {
            // max(by:) keeps the last of equal elements; reversing keeps the first (the detector's most probable).
            faces.reversed().max { $0.box.area < $1.box.area }
        }
        let confident = usable.enumerated().compactMap { slot, faces in
            largest((faces ?? []).filter { $0.probability >= settings.seedConfidence }).map { (slot, $0) }
        }
        if !confident.isEmpty { return confident }
        return usable.enumerated().compactMap { slot, faces in largest(faces ?? []).map { (slot, $0) } }
    }

    /// The faces the track from `seed` picks in each slot (nil where it finds none).
    static func follow(from seed: FaceDetection, at seedSlot: Int, through usable: [[FaceDetection]?],
                       settings: FaceTrackingSettings) -> [FaceDetection?] {
        var chosen = [FaceDetection?](repeating: nil, count: usable.count)
        chosen[seedSlot] = seed
        for direction in [Array(seedSlot + 1..<usable.count), Array((0..<seedSlot).reversed())] {
            var (last, lastSlot) = (seed.box, seedSlot)
            for slot in direction {
                guard let faces = usable[slot],
                      let next = bestMatch(for: last, slotsApart: abs(slot - lastSlot), among: faces, settings: settings)
                else { continue }
                chosen[slot] = next
                (last, lastSlot) = (next.box, slot)
            }
        }
        return chosen
    }

    /// The face that continues `subject`: within the allowed move and size change, highest IoU, then
    /// nearest centre; nil when every face is too far or too different to be the same person.
    static func bestMatch(for subject: FaceBox, slotsApart: Int = 1, among faces: [FaceDetection],
                          settings: FaceTrackingSettings) -> FaceDetection? {
        let size = max(subject.width, subject.height) * Float(max(1, slotsApart))
        var best: (face: FaceDetection, overlap: Float, shift: Float)?
        for face in faces {
            let shift = hypot(face.box.centreX - subject.centreX, face.box.centreY - subject.centreY) / size
            let scale = (face.box.area / subject.area).squareRoot()
            guard shift <= settings.maximumCentreShift, max(scale, 1 / scale) <= settings.maximumSizeChange else { continue }
            let overlap = subject.intersectionOverUnion(face.box)
            if best == nil || overlap > best!.overlap || (overlap == best!.overlap && shift < best!.shift) {
                best = (face, overlap, shift)
            }
        }
        return best?.face
    }
}
