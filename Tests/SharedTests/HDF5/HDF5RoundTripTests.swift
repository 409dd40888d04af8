import Foundation
import Synchronization
import Testing
@testable import Shared

@Suite struct HDF5RoundTripTests {
    /// Created and opened files close on exec: a child process started meanwhile by another thread must not
    /// inherit the descriptor, which would hold HDF5's lock on the file for as long as the child runs.
    @Test func fileDescriptorsCloseOnExec() throws {
        let directory = try makeHDF5TestDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("cloexec.h5")
        for file in [try HDF5File.create(at: url), try HDF5File.open(url)] {
            let fd = try #require(HDF5File.descriptor(file.handle.id))
            #expect(fcntl(fd, F_GETFD) & FD_CLOEXEC != 0)
            try file.close()
        }
    }

    /// Opening and creating wait while a spawn holds `DescriptorFence` (the window in which HDF5's descriptor has
    /// no close-on-exec yet never overlaps a spawn), and go on once it is released.
    @Test func filesOpenOutsideSpawns() throws {
        let directory = try makeHDF5TestDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("fenced.h5")
        try HDF5File.create(at: url).close()
        let opened = DispatchSemaphore(value: 0)
        let stillWaiting: Bool = DescriptorFence.spawning {
            let opens: [@Sendable () throws -> Void] = [{ try HDF5File.create(at: url).close() },
                                                        { try HDF5File.open(url).close() }]
            for open in opens { Thread.detachNewThread { try? open(); opened.signal() } }
            return opened.wait(timeout: .now() + 0.3) == .timedOut
        }
        #expect(stillWaiting, "an HDF5 open finished while a spawn held the fence")
        #expect(opened.wait(timeout: .now() + 10) == .success && opened.wait(timeout: .now() + 10) == .success)
    }

    /// A virtual dataset's read opens its source file inside HDF5, without close-on-exec: reads wait while a spawn
    /// holds `DescriptorFence`, as opens do, and go on once it is released.
    @Test func virtualDatasetReadsWaitOutSpawns() throws {
        let directory = try makeHDF5TestDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("vds-source.h5")
        do {
            let file = try HDF5File.create(at: source)
            try file.createDataset("rows", of: Int32.self, shape: [4, 2]).write((0..<8).map { Int32($0) })
            try file.close()
            let virtual = try HDF5File.create(at: directory.appendingPathComponent("vds.h5"))
            try virtual.createVirtualDataset("v", of: Int32.self, shape: [4, 2], blocks: [
                HDF5VirtualBlock(file: "vds-source.h5", dataset: "/rows", firstRow: 0, rows: 4)])
            try virtual.close()
        }
        let file = try HDF5File.open(directory.appendingPathComponent("vds.h5"))
        defer { try? file.close() }
        // Read on one other thread while this one waits: no concurrent use.
        nonisolated(unsafe) let dataset = try file.dataset("v")
        let read = DispatchSemaphore(value: 0)
        let values = Mutex<[Int32]>([])
        let stillWaiting: Bool = DescriptorFence.spawning {
            Thread.detachNewThread {
                let rows = (try? dataset.read(as: Int32.self)) ?? []
                values.withLock { $0 = rows }
                read.signal()
            }
            return read.wait(timeout: .now() + 0.3) == .timedOut
        }
        #expect(stillWaiting, "a virtual dataset read finished while a spawn held the fence")
        #expect(read.wait(timeout: .now() + 10) == .success)
        #expect(values.withLock { $0 } == (0..<8).map { Int32($0) })
        func openFiles() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap {
                try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + $0)
            }
        }
        #expect(openFiles().contains(source.path), "the read did not open the source: the fence had nothing to guard")
    }

    @Test func everyNumericTypeRoundTripsWhole() throws {
        let directory = try makeHDF5TestDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("numbers.h5")
        let floats: [Float] = (0..<24).map { Float($0) * 0.5 - 3.25 }
        let doubles: [Double] = [1e-300, -2.5, .pi, 1e300]
        let int8s: [Int8] = [-128, -1, 0, 1, 127, 42]
        let uint8s: [UInt8] = [0, 1, 255]
        let int32s: [Int32] = [Int32.min, -1, 0, Int32.max]
        let int64s: [Int64] = [Int64.min, -7, 0, 1 << 40, Int64.max, 3]
        do {
            let file = try HDF5File.create(at: url)
            try file.createDataset("floats", of: Float.self, shape: [2, 3, 4]).write(floats)
            try file.createDataset("doubles", of: Double.self, shape: [4]).write(doubles)
            try file.createDataset("int8s", of: Int8.self, shape: [3, 2]).write(int8s)
            try file.createDataset("uint8s", of: UInt8.self, shape: [3]).write(uint8s)
            try file.createDataset("int32s", of: Int32.self, shape: [4]).write(int32s)
            try file.createDataset("int64s", of: Int64.self, shape: [2, 3]).write(int64s)
            try file.close()
        }
        let file = try HDF5File.open(url)
        #expect(try file.dataset("floats").read(as: Float.self) == floats)
        #expect(try file.dataset("floats").shape() == [2, 3, 4])
        #expect(try file.dataset("doubles").read(as: Double.self) == doubles)
        #expect(try file.dataset("int8s").read(as: Int8.self) == int8s)
        #expect(try file.dataset("uint8s").read(as: UInt8.self) == uint8s)
        #expect(try file.dataset("int32s").read(as: Int32.self) == int32s)
        #expect(try file.dataset("int64s").read(as: Int64.self) == int64s)
        #expect(try file.dataset("int64s").shape() == [2, 3])
        #expect(try file.dataset("int64s").chunkShape() == nil)
    }

    @Test func hyperslabRowsWriteAndReadBack() throws {
        let directory = try makeHDF5TestDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("rows.h5")
        let file = try HDF5File.create(at: url)
        let dataset = try file.createDataset("m", of: Int32.self, shape: [5, 3])
        try dataset.write([Int32](repeating: 0, count: 15))
        try dataset.writeRows([Int32(1), 2, 3, 4, 5, 6], startingAt: 2, count: 2)
        #expect(try dataset.read(as: Int32.self) == [0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 0, 0, 0])
        #expect(try dataset.readRows(startingAt: 3, count: 2, as: Int32.self) == [4, 5, 6, 0, 0, 0])
        #expect(try dataset.readRows(startingAt: 5, count: 0, as: Int32.self) == [])
        #expect(throws: HDF5Error.self) { try dataset.readRows(startingAt: 4, count: 2, as: Int32.self) }
        #expect(throws: HDF5Error.self) { try dataset.writeRows([Int32(1), 2], startingAt: 0, count: 1) }
    }

    @Test func unlimitedChunkedDatasetGrows() throws {
        let directory = try makeHDF5TestDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("grow.h5")
        do {
            let file = try HDF5File.create(at: url)
            let dataset = try file.createDataset("e", of: Float.self, shape: [0, 4, 8], chunk: [1, 4, 8],
                                                 unlimitedFirstDimension: true)
            for row in 0..<3 {
                try dataset.resize(rows: row + 1)
                try dataset.writeRows((0..<32).map { Float(row * 100 + $0) }, startingAt: row, count: 1)
            }
            #expect(try dataset.chunkShape() == [1, 4, 8])
        }
        let file = try HDF5File.open(url)
        let dataset = try file.dataset("e")
        #expect(try dataset.shape() == [3, 4, 8])
        #expect(try dataset.readRows(startingAt: 2, count: 1, as: Float.self) == (0..<32).map { Float(200 + $0) })

        let dump = try runTool("/usr/bin/h5dump", ["-p", "-H", "-d", "/e", url.path])
        #expect(dump.status == 0)
        #expect(dump.output.contains("CHUNKED ( 1, 4, 8 )"), "h5dump -p -H said: \(dump.output)")
        #expect(dump.output.contains("( 3, 4, 8 ) / ( H5S_UNLIMITED, 4, 8 )"), "h5dump -p -H said: \(dump.output)")
    }

    @Test func readingWithTheWrongTypeClassFails() throws {
        let directory = try makeHDF5TestDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try HDF5File.create(at: directory.appendingPathComponent("t.h5"))
        try file.createDataset("f", of: Float.self, shape: [2]).write([Float(1), 2])
        #expect(throws: HDF5Error.self) { try file.dataset("f").read(as: Int32.self) }
        #expect(throws: HDF5Error.self) { try file.dataset("f").readStrings() }
    }

    @Test func groupsNestAndAreFound() throws {
        let directory = try makeHDF5TestDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("groups.h5")
        do {
            let file = try HDF5File.create(at: url)
            let outer = try file.createGroup("outer")
            let inner = try outer.createGroup("inner")
            try inner.createDataset("x", of: Int64.self, shape: [1]).write([Int64(9)])
        }
        let file = try HDF5File.open(url)
        #expect(try file.contains("outer"))
        #expect(try !file.contains("missing"))
        #expect(try file.group("outer").group("inner").dataset("x").read(as: Int64.self) == [9])
        #expect(try file.dataset("outer/inner/x").read(as: Int64.self) == [9])
    }

    @Test func errorsNameTheFileAndCarryHDF5sMessage() throws {
        let directory = try makeHDF5TestDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("e.h5")
        let file = try HDF5File.create(at: url)
        do {
            _ = try file.dataset("nope")
            Issue.record("opening a missing dataset succeeded")
        } catch {
            #expect(error.path == url.path)
            #expect(error.description.contains(url.path))
            #expect(error.description.contains("/nope"))
            #expect(error.message.contains("H5Dopen2"), "message: \(error.message)")
        }
        let notHDF5 = directory.appendingPathComponent("plain.h5")
        try Data("not an hdf5 file".utf8).write(to: notHDF5)
        #expect(throws: HDF5Error.self) { try HDF5File.open(notHDF5) }
        #expect(throws: HDF5Error.self) { try HDF5File.open(directory.appendingPathComponent("absent.h5")) }
    }

    @Test func readOnlyFilesRefuseWrites() throws {
        let directory = try makeHDF5TestDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("ro.h5")
        try HDF5File.create(at: url).createDataset("a", of: Int32.self, shape: [1]).write([Int32(1)])
        let readOnly = try HDF5File.open(url, access: .readOnly)
        #expect(throws: HDF5Error.self) { try readOnly.dataset("a").write([Int32(2)]) }
        try readOnly.close()
        let readWrite = try HDF5File.open(url, access: .readWrite)
        try readWrite.dataset("a").write([Int32(3)])
        #expect(try readWrite.dataset("a").read(as: Int32.self) == [3])
    }
}
