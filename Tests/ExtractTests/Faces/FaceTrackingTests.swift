import Testing
@testable import Extract

/// A face with box (x, y, x + size, y + size) and landmarks derived from the box, so interpolated landmarks
/// can be predicted exactly.
func face(_ x: Float, _ y: Float, size: Float = 40, probability: Float = 0.99) -> FaceDetection {
    let box = FaceBox(x1: x, y1: y, x2: x + size, y2: y + size)
    let landmarks = (0..<5).map { FacePoint(x: x + Float($0) * 4, y: y + Float($0) * 2 + 10) }
    return FaceDetection(box: box, probability: probability, landmarks: landmarks)
}

@Suite struct FaceTrackingTests {
    @Test func noUsableFaceInAnySlotGivesNoTrack() {
        #expect(FaceTracking.track([]) == nil)
        #expect(FaceTracking.track([[], nil, []]) == nil)
        let degenerate = FaceDetection(box: FaceBox(x1: 10, y1: 10, x2: 10, y2: 50), probability: 0.99,
                                       landmarks: face(10, 10).landmarks)
        #expect(FaceTracking.track([[degenerate], nil]) == nil)
    }

    @Test func aSubjectFoundEverywhereKeepsItsDetections() throws {
        let slots = (0..<4).map { [face(100 + Float($0) * 5, 80, probability: 0.9 + Float($0) * 0.01)] }
        let track = try #require(FaceTracking.track(slots))
        #expect(track.boxes == slots.map { $0[0].box })
        #expect(track.landmarks == slots.map { $0[0].landmarks })
        #expect(track.scores == slots.map { $0[0].probability })
        #expect(track.found == [true, true, true, true])
    }

    @Test func gapsAreInterpolatedBySlotPositionExactly() throws {
        // Found in slots 0 and 4 (x 100 -> 120, size 40 -> 48); 1, 2, 3 are a quarter, half, three quarters.
        let slots: [[FaceDetection]?] = [[face(100, 60)], [], [], [], [face(120, 80, size: 48, probability: 0.95)]]
        let track = try #require(FaceTracking.track(slots))
        #expect(track.found == [true, false, false, false, true])
        #expect(track.scores == [0.99, 0, 0, 0, 0.95])
        #expect(track.boxes[1] == FaceBox(x1: 105, y1: 65, x2: 147, y2: 107))
        #expect(track.boxes[2] == FaceBox(x1: 110, y1: 70, x2: 154, y2: 114))
        #expect(track.boxes[3] == FaceBox(x1: 115, y1: 75, x2: 161, y2: 121))
        #expect(track.landmarks[2] == face(110, 70).landmarks)
    }

    @Test func slotsBeforeTheFirstAndAfterTheLastFoundCopyTheNearest() throws {
        let first = face(200, 100), last = face(210, 104)
        let track = try #require(FaceTracking.track([[], [], [first], [last], [], []]))
        #expect(track.found == [false, false, true, true, false, false])
        #expect(track.boxes == [first.box, first.box, first.box, last.box, last.box, last.box])
        #expect(track.landmarks == [first.landmarks, first.landmarks, first.landmarks,
                                    last.landmarks, last.landmarks, last.landmarks])
        #expect(track.scores == [0, 0, 0.99, 0.99, 0, 0])
    }

    @Test func paddedSlotsHoldZerosAndAreNeverFound() throws {
        // A short video: three frames, then two padded slots; the middle frame has no face.
        let track = try #require(FaceTracking.track([[face(50, 50)], [], [face(54, 50)], nil, nil]))
        #expect(track.found == [true, false, true, false, false])
        #expect(track.boxes[1] == FaceBox(x1: 52, y1: 50, x2: 92, y2: 90))
        #expect(track.boxes[3] == FaceBox(x1: 0, y1: 0, x2: 0, y2: 0))
        #expect(track.boxes[4] == FaceBox(x1: 0, y1: 0, x2: 0, y2: 0))
        #expect(track.landmarks[4] == [FacePoint](repeating: FacePoint(x: 0, y: 0), count: 5))
        #expect(track.scores[3] == 0 && track.slotCount == 5)
    }

    @Test func aLargerPasserByMidVideoDoesNotTakeOver() throws {
        // The subject sits left for ten slots; in slots 4-6 a bigger face walks by on the right.
        var slots: [[FaceDetection]?] = (0..<10).map { [face(100 + Float($0), 200, size: 60)] }
        for slot in 4...6 { slots[slot]!.insert(face(900 + Float(slot) * 20, 150, size: 140), at: 0) }
        // In slot 5 the subject is missed: the passer-by is the only face there.
        slots[5] = [face(1000, 150, size: 140)]
        let track = try #require(FaceTracking.track(slots))
        #expect(track.found == (0..<10).map { $0 != 5 })
        for slot in 0..<10 where slot != 5 { #expect(track.boxes[slot] == face(100 + Float(slot), 200, size: 60).box) }
        #expect(track.boxes[5] == face(105, 200, size: 60).box)
        #expect(track.scores[5] == 0)
    }

    @Test func theTrackFollowsByOverlapNotBySize() throws {
        // Two people all along: the subject (moving right) and a smaller one beside it, who leans in and looks
        // larger in slot 2. Following picks the face overlapping the last box, not the largest of the slot.
        let slots: [[FaceDetection]?] = (0..<5).map { slot in
            let x = 300 + Float(slot) * 10
            return [face(x + 55, 300, size: slot == 2 ? 55 : 44), face(x, 300, size: 50)]
        }
        let track = try #require(FaceTracking.track(slots))
        #expect(track.boxes == (0..<5).map { face(300 + Float($0) * 10, 300, size: 50).box })
    }

    @Test func theSeedIsTheLargestConfidentFace() throws {
        // One slot, three faces: the largest is unsure, so the largest confident one is the subject.
        let unsure = face(0, 0, size: 90, probability: 0.8)
        let confident = face(200, 0, size: 50, probability: 0.995)
        let small = face(400, 0, size: 30, probability: 0.999)
        #expect(FaceTracking.track([[unsure, small, confident]])?.boxes == [confident.box])
        // With no confident face anywhere, the largest face of any probability is.
        #expect(FaceTracking.track([[small.with(probability: 0.75), unsure]])?.boxes == [unsure.box])
        // Two equally persistent subjects: the larger faces win.
        let slots: [[FaceDetection]?] = (0..<3).map { _ in [face(0, 0, size: 40), face(500, 0, size: 60)] }
        #expect(FaceTracking.track(slots)?.boxes == [FaceBox](repeating: face(500, 0, size: 60).box, count: 3))
    }

    @Test func jumpsAndSizeChangesBeyondTheLimitsAreSomeoneElse() throws {
        let settings = FaceTrackingSettings(maximumCentreShift: 1, maximumSizeChange: 2)
        // Slot 1: only a face 1.5 box sizes away; slot 2: only a face 2.5x larger at the same place.
        let slots: [[FaceDetection]?] = [[face(100, 100)], [face(160, 100)], [face(100, 100, size: 100)], [face(102, 100)]]
        let track = try #require(FaceTracking.track(slots, settings: settings))
        #expect(track.found == [true, false, false, true])
        #expect(track.boxes[1] == FaceBox(x1: 100 + 2.0 / 3, y1: 100, x2: 140 + 2.0 / 3, y2: 140))
    }

    /// A head moving steadily, sampled sparsely, with one slot where the detector missed it: the allowed move
    /// grows with the slots since it was last found, so the track bridges the gap.
    @Test func theAllowedMoveGrowsWithTheSlotsSinceTheSubjectWasLastFound() throws {
        let settings = FaceTrackingSettings(maximumCentreShift: 1.5)
        // 40-pixel face moving 50 pixels a slot (1.25 sizes); slot 2 found nothing.
        let slots: [[FaceDetection]?] = [[face(100, 100)], [face(150, 100)], [], [face(250, 100)], [face(300, 100)]]
        let track = try #require(FaceTracking.track(slots, settings: settings))
        #expect(track.found == [true, true, false, true, true])
        #expect(track.boxes[2] == face(200, 100).box)
        // One size per slot is too little for this head: every step breaks the track.
        let strict = try #require(FaceTracking.track(slots, settings: FaceTrackingSettings(maximumCentreShift: 1)))
        #expect(strict.found.filter { $0 }.count == 1)
    }

    @Test func degenerateOrNonFiniteDetectionsAreIgnored() throws {
        let good = face(100, 100)
        var nanBox = face(100, 100, size: 80)
        nanBox.box.x2 = .nan
        var inverted = face(100, 100, size: 80)
        inverted.box = FaceBox(x1: 180, y1: 100, x2: 100, y2: 180)
        var infiniteLandmark = face(100, 100, size: 80)
        infiniteLandmark.landmarks[2].x = .infinity
        var fewLandmarks = face(100, 100, size: 80)
        fewLandmarks.landmarks.removeLast()
        let badProbability = face(100, 100, size: 80, probability: .nan)
        let track = try #require(FaceTracking.track([[nanBox, inverted, infiniteLandmark, fewLandmarks, badProbability, good]]))
        #expect(track.boxes == [good.box] && track.found == [true])
    }

    @Test func theDescriptionNamesTheAlgorithmAndValues() {
        let text = FaceTrackingSettings(seedConfidence: 0.8).description
        #expect(text.contains(FaceTracking.algorithm) && text.contains("p >= 0.8"))
    }
}

extension FaceDetection {
    func with(probability: Float) -> FaceDetection {
        FaceDetection(box: box, probability: probability, landmarks: landmarks)
    }
}
