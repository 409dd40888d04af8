import Foundation
import Shared

/// The face-track cache as one kind of cache row: its journal record and datasets
/// (docs/face-cache-format.md). Journal, reuse, failures and atomic replace are the shared `CacheBuilder`'s.
extension FaceTrackRecord: CacheRow {
    typealias Settings = FaceCacheMetadata
    typealias Reader = FaceCacheReader
    typealias Datasets = FaceTrackDatasets

    static var journalKind: UInt8 { JournalRecordKind.faceTrack }

    /// Shapes and values both: a track the reader would refuse is refused here, before it is journalled.
    func shapeProblem(for settings: FaceCacheMetadata) -> String? {
        FaceTrackCheck.problem(in: self, frames: settings.frames)
    }

    /// header (`JournalRowHeader`) | u8 has_group | string group | i32 width | i32 height | u32 F |
    /// F x i32 frame_indices | F x u8 valid | F x u8 face_found | F x f32 scores | F*4 x f32 boxes |
    /// F*10 x f32 landmarks
    func encodeJournalFields(into writer: inout JournalByteWriter) {
        writer.append(JournalRowHeader(path: path, label: label, split: split, bytes: bytes, mtime: mtime,
                                       totalFrames: totalFrames))
        writer.appendOptional(group)
        writer.append(frameWidth)
        writer.append(frameHeight)
        writer.append(UInt32(frameIndices.count))
        writer.appendSlots(frameIndices: frameIndices, valid: valid)
        writer.appendFlags(track.found)
        writer.append(track.scores)
        writer.append(FaceTrackLayout.flatten(track.boxes))
        writer.append(FaceTrackLayout.flatten(track.landmarks))
    }

    static func decodeJournalFields(from reader: inout JournalByteReader) -> FaceTrackRecord? {
        guard let header = reader.readRowHeader(), let group = reader.readOptionalString(),
              let width = reader.read(Int32.self), let height = reader.read(Int32.self),
              let frames = reader.read(UInt32.self).map(Int.init),
              let slots = reader.readSlots(count: frames), let found = reader.readFlags(count: frames),
              let scores = reader.readFloats(count: frames), let boxes = reader.readFloats(count: frames * 4),
              let landmarks = reader.readFloats(count: frames * FaceTrack.landmarkCount * 2) else { return nil }
        let track = FaceTrack(boxes: FaceTrackLayout.boxes(boxes), scores: scores,
                              landmarks: FaceTrackLayout.landmarks(landmarks), found: found)
        return FaceTrackRecord(path: header.path, label: header.label, split: header.split, group: group,
                               bytes: header.bytes, mtime: header.mtime, totalFrames: header.totalFrames,
                               frameIndices: slots.frameIndices, valid: slots.valid, frameWidth: width,
                               frameHeight: height, track: track)
    }
}

/// Boxes and landmarks as the flat float rows the file and journal hold, and back.
enum FaceTrackLayout {
    static func flatten(_ boxes: [FaceBox]) -> [Float] { boxes.flatMap { [$0.x1, $0.y1, $0.x2, $0.y2] } }

    static func flatten(_ landmarks: [[FacePoint]]) -> [Float] { landmarks.flatMap { $0.flatMap { [$0.x, $0.y] } } }

    /// Four values per box; `values.count` is a multiple of 4.
    static func boxes<Values: RandomAccessCollection<Float>>(_ values: Values) -> [FaceBox] where Values.Index == Int {
        stride(from: values.startIndex, to: values.endIndex, by: 4).map {
            FaceBox(x1: values[$0], y1: values[$0 + 1], x2: values[$0 + 2], y2: values[$0 + 3])
        }
    }

    /// Five points (ten values) per slot; `values.count` is a multiple of 10.
    static func landmarks<Values: RandomAccessCollection<Float>>(_ values: Values) -> [[FacePoint]] where Values.Index == Int {
        let perSlot = FaceTrack.landmarkCount * 2
        return stride(from: values.startIndex, to: values.endIndex, by: perSlot).map { start in
            stride(from: start, to: start + perSlot, by: 2).map { FacePoint(x: values[$0], y: values[$0 + 1]) }
        }
    }
}

/// /boxes [N, F, 4], /scores [N, F], /landmarks [N, F, 5, 2], /face_found [N, F], /frame_sizes [N, 2] and
/// the shared /frame_indices, /valid of a face-track cache being assembled.
struct FaceTrackDatasets: CacheRowDatasets {
    private let slots: CacheSlotDatasets
    private let boxes: HDF5Dataset
    private let scores: HDF5Dataset
    private let landmarks: HDF5Dataset
    private let found: HDF5Dataset
    private let frameSizes: HDF5Dataset

    init(creatingIn file: HDF5File, settings: FaceCacheMetadata, count: Int) throws {
        typealias Name = FaceCacheSchema.Dataset
        let frames = settings.frames
        // One chunk row count for every per-slot dataset, sized by the largest row (landmarks, 40 bytes a slot).
        let rows = CacheChunks.rows(count: count, rowBytes: 40 * frames)
        slots = try CacheSlotDatasets(creatingIn: file, frames: frames, count: count)
        boxes = try file.createDataset(Name.boxes, of: Float.self, shape: [count, frames, 4], chunk: [rows, frames, 4],
                                       unlimitedFirstDimension: true)
        scores = try file.createDataset(Name.scores, of: Float.self, shape: [count, frames], chunk: [rows, frames],
                                        unlimitedFirstDimension: true)
        landmarks = try file.createDataset(Name.landmarks, of: Float.self, shape: [count, frames, 5, 2],
                                           chunk: [rows, frames, 5, 2], unlimitedFirstDimension: true)
        found = try file.createDataset(Name.faceFound, of: UInt8.self, shape: [count, frames], chunk: [rows, frames],
                                       unlimitedFirstDimension: true)
        frameSizes = try file.createDataset(Name.frameSizes, of: Int32.self, shape: [count, 2],
                                            chunk: [CacheChunks.rows(count: count, rowBytes: 8), 2],
                                            unlimitedFirstDimension: true)
    }

    func write(_ record: FaceTrackRecord, at index: Int) throws {
        try slots.write(frameIndices: record.frameIndices, valid: record.valid, at: index)
        try boxes.writeRows(FaceTrackLayout.flatten(record.track.boxes), startingAt: index, count: 1)
        try scores.writeRows(record.track.scores, startingAt: index, count: 1)
        try landmarks.writeRows(FaceTrackLayout.flatten(record.track.landmarks), startingAt: index, count: 1)
        try found.writeRows(record.track.found.map { UInt8($0 ? 1 : 0) }, startingAt: index, count: 1)
        try frameSizes.writeRows([record.frameWidth, record.frameHeight], startingAt: index, count: 1)
    }
}
