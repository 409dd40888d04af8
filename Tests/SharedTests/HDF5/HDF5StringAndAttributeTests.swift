import Foundation
import Testing
@testable import Shared

@Suite struct HDF5StringAndAttributeTests {
    let strings = ["real/000.mp4", "fake/Ünïcødé 视频.mp4", "", "a/b/c/long name with spaces.avi"]

    @Test func variableLengthStringsRoundTripAndReadRows() throws {
        let directory = try makeHDF5TestDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("s.h5")
        do {
            let file = try HDF5File.create(at: url)
            try file.createStringDataset("videos", shape: [strings.count]).writeStrings(strings)
            let grown = try file.createStringDataset("grown", shape: [0], chunk: [2], unlimitedFirstDimension: true)
            try grown.resize(rows: 3)
            try grown.writeStringRows(["x", "y"], startingAt: 1, count: 2)
            try grown.writeStringRows(["w"], startingAt: 0, count: 1)
            try file.createStringDataset("empty", shape: [0]).writeStrings([])
        }
        let file = try HDF5File.open(url)
        #expect(try file.dataset("videos").readStrings() == strings)
        #expect(try file.dataset("videos").readStringRows(startingAt: 1, count: 2) == Array(strings[1...2]))
        #expect(try file.dataset("grown").readStrings() == ["w", "x", "y"])
        #expect(try file.dataset("empty").readStrings() == [])
        #expect(throws: HDF5Error.self) { try file.dataset("videos").read(as: Float.self) }

        let dump = try runTool("/usr/bin/h5dump", ["-d", "/videos", url.path])
        #expect(dump.status == 0)
        #expect(dump.output.contains("STRSIZE H5T_VARIABLE"), "h5dump said: \(dump.output)")
        #expect(dump.output.contains("CSET H5T_CSET_UTF8"), "h5dump said: \(dump.output)")
        #expect(dump.output.contains("\"real/000.mp4\""), "h5dump said: \(dump.output)")
    }

    @Test func attributesRoundTripOnRootGroupsAndDatasets() throws {
        let directory = try makeHDF5TestDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("a.h5")
        do {
            let file = try HDF5File.create(at: url)
            try file.setAttribute("backbone", "mobilenet_v2")
            try file.setAttribute("format_version", Int64(1))
            try file.setAttribute("scale", 0.25)
            try file.setAttribute("mean", [Float(0.485), 0.456, 0.406])
            try file.setAttribute("sizes", [Int32(224), 224])
            try file.setAttribute("unicode", "naïve ✓")
            try file.setAttribute("backbone", "efficientnet_lite0")  // replaces
            let group = try file.createGroup("g")
            try group.setAttribute("note", "group attribute")
            let dataset = try file.createDataset("d", of: Int8.self, shape: [1])
            try dataset.setAttribute("units", "labels")
            try dataset.setAttribute("count", Int32(-4))
        }
        let file = try HDF5File.open(url)
        #expect(try file.stringAttribute("backbone") == "efficientnet_lite0")
        #expect(try file.attribute("format_version", as: Int64.self) == 1)
        #expect(try file.attribute("scale", as: Double.self) == 0.25)
        #expect(try file.arrayAttribute("mean", as: Float.self) == [0.485, 0.456, 0.406])
        #expect(try file.arrayAttribute("sizes", as: Int32.self) == [224, 224])
        #expect(try file.stringAttribute("unicode") == "naïve ✓")
        #expect(try file.group("g").stringAttribute("note") == "group attribute")
        #expect(try file.dataset("d").stringAttribute("units") == "labels")
        #expect(try file.dataset("d").attribute("count", as: Int32.self) == -4)
        #expect(try file.hasAttribute("scale"))
        #expect(try !file.hasAttribute("absent"))
        #expect(throws: HDF5Error.self) { try file.stringAttribute("absent") }
        #expect(throws: HDF5Error.self) { try file.stringAttribute("scale") }
        #expect(throws: HDF5Error.self) { try file.attribute("backbone", as: Int64.self) }
        #expect(throws: HDF5Error.self) { try file.attribute("mean", as: Float.self) }

        let dump = try runTool("/usr/bin/h5dump", ["-A", url.path])
        #expect(dump.output.contains("\"efficientnet_lite0\""), "h5dump said: \(dump.output)")
    }

    /// Optional: when h5py is installed, check a researcher's view of the same file.
    @Test func h5pyReadsStringsAndAttributesWhenInstalled() throws {
        let probe = try runTool("/usr/bin/env", ["python3", "-c", "import h5py"])
        guard probe.status == 0 else { return }
        let directory = try makeHDF5TestDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("py.h5")
        do {
            let file = try HDF5File.create(at: url)
            try file.createStringDataset("videos", shape: [strings.count]).writeStrings(strings)
            try file.setAttribute("backbone", "mobilenet_v2")
            try file.setAttribute("frames", Int64(16))
            try file.createDataset("e", of: Float.self, shape: [2, 2], chunk: [1, 2]).write([Float(1), 2, 3, 4])
        }
        let script = """
        import h5py, json, sys
        f = h5py.File(sys.argv[1], "r")
        print(json.dumps({"videos": [v.decode() if isinstance(v, bytes) else v for v in f["videos"][()]],
                          "backbone": f.attrs["backbone"], "frames": int(f.attrs["frames"]),
                          "e": f["e"][()].tolist(), "chunks": list(f["e"].chunks)}))
        """
        let result = try runTool("/usr/bin/env", ["python3", "-c", script, url.path])
        #expect(result.status == 0, "python said: \(result.output)")
        let decoded = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        #expect(decoded?["videos"] as? [String] == strings)
        #expect(decoded?["backbone"] as? String == "mobilenet_v2")
        #expect(decoded?["frames"] as? Int == 16)
        #expect(decoded?["e"] as? [[Double]] == [[1, 2], [3, 4]])
        #expect(decoded?["chunks"] as? [Int] == [1, 2])
    }
}
