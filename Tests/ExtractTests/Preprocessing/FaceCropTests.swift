import Foundation
import Shared
import Testing
@testable import Extract

private typealias Support = VideoTestSupport

@Suite struct FaceCropTests {
    /// The crop's own side: no resize, so the comparison sees only where the crop was taken (resizing
    /// before the quarter turn filters rows and columns in the other order, a few levels apart on sharp edges).
    static let side = 130

    private func square(_ box: FaceBox, scale: Float = 1.3, width: Int = 640, height: Int = 480) throws -> PixelRect {
        try FaceCropGeometry.square(around: box, scale: scale, frameWidth: width, frameHeight: height, path: "clip.mp4")
    }

    /// FaceForensics++'s get_boundingbox: side int(1.3 x max(w, h)), top left at centre - side // 2.
    @Test func theSquareIsCentredOnTheBoxAtThirteenTenthsItsLongerSide() throws {
        let rect = try square(FaceBox(x1: 200, y1: 100, x2: 300, y2: 220))   // 100 x 120, centre (250, 160)
        #expect(rect == PixelRect(x: 250 - 78, y: 160 - 78, width: 156, height: 156))
        #expect(try square(FaceBox(x1: 200, y1: 100, x2: 300, y2: 220), scale: 2).width == 240)
    }

    /// Where FaceForensics++ shrinks the square at the right and bottom edges, it moves back inside, still square.
    @Test func aSquareCrossingAnEdgeMovesInsideAndStaysSquare() throws {
        #expect(try square(FaceBox(x1: 600, y1: 440, x2: 660, y2: 500)) == PixelRect(x: 562, y: 402, width: 78, height: 78))
        #expect(try square(FaceBox(x1: -30, y1: -20, x2: 30, y2: 40)) == PixelRect(x: 0, y: 0, width: 78, height: 78))
        // Larger than the frame's shorter side: cut to it.
        #expect(try square(FaceBox(x1: 100, y1: 0, x2: 500, y2: 470)) == PixelRect(x: 60, y: 0, width: 480, height: 480))
    }

    @Test func degenerateOrOutsideBoxesAreErrorsNamingTheFile() throws {
        for box in [FaceBox(x1: 10, y1: 10, x2: 10, y2: 40), FaceBox(x1: .nan, y1: 0, x2: 5, y2: 5),
                    FaceBox(x1: 50, y1: 50, x2: 20, y2: 80), FaceBox(x1: 700, y1: 10, x2: 760, y2: 70),
                    FaceBox(x1: -90, y1: -90, x2: -10, y2: -10)] {
            let error = #expect(throws: FaceError.self) { try square(box) }
            #expect(error?.description.hasPrefix("clip.mp4: face box") == true, "\(String(describing: error))")
        }
    }

    /// A face crop of a clip stored turned (display matrix) equals the ffmpeg CLI's crop of the upright frame:
    /// boxes are in display pixels and the crop maps back to the stored pixels.
    @Test(arguments: [90, 180, 270])
    func faceCropsOfRotatedClipsMatchTheUprightCrop(degrees: Int) throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let turn = ["transpose=clock", "hflip,vflip", "transpose=cclock"][degrees / 90 - 1]
        let stored = try Support.makeClip("stored.mp4", in: directory, [
            "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10", "-frames:v", "2", "-vf", turn,
            "-c:v", "libx264", "-pix_fmt", "yuv420p"])
        let clip = try Support.makeClip("rotated.mp4", in: directory, [
            "-i", stored.path, "-c", "copy", "-metadata:s:v", "rotate=\(degrees)"])
        let frames = try VideoFrameSampler(frameCount: 1, outputSize: 64).sampleDecoded(clip)
        let frame = try #require(frames.frames.first ?? nil)
        #expect(frame.displayWidth == 320 && frame.displayHeight == 240)
        // A 100-pixel box whose 1.3x square (130) starts on even pixels in both orientations, so no chroma
        // rounding differs between our crop of the stored frame and ffmpeg's crop of the upright one.
        let box = FaceBox(x1: 161, y1: 61, x2: 261, y2: 161)
        let preprocessing = FramePreprocessing(crop: .face, outputSize: Self.side)
        let ours = try preprocessing.image(from: frame, face: box, converter: FrameConverter(), path: clip.path)
        let rect = try FaceCropGeometry.square(around: box, scale: 1.3, frameWidth: 320, frameHeight: 240, path: clip.path)
        #expect(rect == PixelRect(x: 146, y: 46, width: 130, height: 130))
        let data = try Support.run("ffmpeg", [
            "-v", "error", "-i", clip.path, "-frames:v", "1",
            "-vf", "crop=\(rect.width):\(rect.height):\(rect.x):\(rect.y),scale=\(Self.side):\(Self.side):flags=bilinear",
            "-pix_fmt", "rgb24", "-f", "rawvideo", "-"])
        let reference = RGBImage(width: Self.side, height: Self.side, pixels: [UInt8](data))
        #expect(Support.meanAbsoluteDifference(ours, reference) < 0.5)
    }
}
