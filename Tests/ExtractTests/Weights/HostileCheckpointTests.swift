import Foundation
import Testing
import Shared
@testable import Extract

/// Every file the fuzzing session found (a crash, a memory blow-up, or a load that should have failed) must
/// end in one CheckpointError naming the file and the defect; tiny valid files must still load exactly.
@Suite struct HostileCheckpointTests {
    /// Loads `bytes` from a file and returns the CheckpointError, recording an issue if it loads or throws another error.
    static func refusal(_ bytes: [UInt8], named name: String = "hostile.pt", pin: WeightPin = .unpinned,
                        sourceLocation: SourceLocation = #_sourceLocation) throws -> CheckpointError? {
        let directory = try WeightsTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        do {
            let checkpoint = try Checkpoint.load(contentsOf: url, pin: pin)
            Issue.record("\(name) loaded \(checkpoint.tensors.count) tensors; expected a CheckpointError", sourceLocation: sourceLocation)
        } catch let error as CheckpointError {
            #expect(error.file == url.path && error.description.contains(url.path), "\(error)", sourceLocation: sourceLocation)
            #expect(!error.fix.isEmpty, sourceLocation: sourceLocation)
            return error
        }
        return nil
    }

    @Test(arguments: HostileCheckpoints.all)
    func hostileFileIsRefusedWithItsDefectNamed(_ hostile: HostileCheckpoint) throws {
        let error = try Self.refusal(hostile.bytes, named: hostile.name + ".pt")
        for word in hostile.mentions {
            #expect(error?.problem.contains(word) == true, "\(hostile.name): '\(word)' not in: \(error.map(String.init(describing:)) ?? "no error")")
        }
    }

    /// The builders' valid files load with the values they were given, so a refusal above is about its defect.
    @Test(arguments: [false, true])
    func tinyValidFilesLoad(legacy: Bool) throws {
        let bytes = legacy ? CheckpointBuilder.legacy(CheckpointBuilder.tinySpecs) : CheckpointBuilder.zip(CheckpointBuilder.tinySpecs)
        let tensors = try Checkpoint.tensors(bytes, path: "tiny")
        #expect(tensors["conv.weight"]?.data == (0..<24).map { Float($0) + 0.5 })
        #expect(tensors["fc.weight"]?.shape == [3, 2] && tensors["fc.weight"]?.data == [0.5, 3.5, 1.5, 4.5, 2.5, 5.5])
        #expect(tensors["conv.bias"]?.data == [20.5, 21.5])
    }

    @Test func tinyZip64FileLoads() throws {
        let tensors = try Checkpoint.tensors(CheckpointBuilder.zip(CheckpointBuilder.tinySpecs, zip64: true), path: "tiny64")
        #expect(tensors.count == 3 && tensors["conv.bias"]?.data == [20.5, 21.5])
    }

    /// Nesting just inside the limit is fine: the limit refuses hostile depth, not structure.
    @Test func nestingAtTheLimitIsAccepted() throws {
        let depth = PickleMachine.maxNesting
        var pickle = CheckpointBuilder.Pickle()
        pickle.orderedDict()
        pickle.string("deep")
        pickle.op(0x29)
        pickle.bytes += [UInt8](repeating: 0x85, count: depth - 2)  // the dict is one more level
        pickle.op(0x73)
        pickle.string("w")
        pickle.tensor(CheckpointBuilder.tinySpecs[1], legacy: false)
        pickle.op(0x73)
        pickle.stop()
        let bytes = CheckpointBuilder.zip(object: pickle.bytes, storages: CheckpointBuilder.storages([CheckpointBuilder.tinySpecs[1]]))
        #expect(try Checkpoint.tensors(bytes, path: "deep")["w"]?.count == 6)
    }
}
