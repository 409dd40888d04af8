import Foundation
import Testing
import Shared
import Extract

/// Locations and tools the checkpoint tests share.
enum WeightsTestSupport {
    static var packageRoot: URL { PackagePaths.root }

    /// A weight file under models/, or nil (with a recorded failure telling how to fetch it).
    static func model(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) -> URL? {
        let url = packageRoot.appendingPathComponent("models").appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            Issue.record("missing weights \(url.path): run `make setup`", sourceLocation: sourceLocation)
            return nil
        }
        return url
    }

    static func fixture(_ name: String) -> URL {
        packageRoot.appendingPathComponent("Tests/ExtractTests/Fixtures").appendingPathComponent(name)
    }

    static func script(_ name: String) -> URL {
        packageRoot.appendingPathComponent("scripts/reference").appendingPathComponent(name)
    }

    /// A fresh empty directory for one test's files.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("checkpoint-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs python3 with the given arguments; returns its exit status and standard error.
    static func python(_ arguments: [String]) throws -> (status: Int32, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let errors = Pipe()
        process.standardError = errors
        try process.runFenced()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: errorData, as: UTF8.self))
    }

    /// What scripts/reference/read_checkpoint.py reports per tensor.
    struct TensorSummary: Decodable {
        let shape: [Int]
        let sum: Double
        let abs_sum: Double
        let first: [Double]
    }

    static func summaries(_ url: URL) throws -> [String: TensorSummary] {
        try JSONDecoder().decode([String: TensorSummary].self, from: Data(contentsOf: url))
    }

    /// Compares Swift's tensors with the Python reference: same keys, shapes, leading values, and sums
    /// to 1e-5 of the sum of magnitudes (a plain relative test is meaningless for sums near zero).
    static func expectMatches(_ checkpoint: Checkpoint, _ reference: [String: TensorSummary],
                              sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(Set(checkpoint.tensors.keys) == Set(reference.keys), sourceLocation: sourceLocation)
        for (name, summary) in reference {
            guard let tensor = checkpoint.tensors[name] else { continue }
            #expect(tensor.shape == summary.shape, "\(name) shape", sourceLocation: sourceLocation)
            var sum = 0.0
            for value in tensor.data { sum += Double(value) }
            let tolerance = 1e-5 * max(summary.abs_sum, 1e-30)
            #expect(abs(sum - summary.sum) <= tolerance, "\(name) sum \(sum) vs \(summary.sum)", sourceLocation: sourceLocation)
            let leading = tensor.data.prefix(summary.first.count).map(Double.init)
            #expect(leading == summary.first.map { Double(Float($0)) }, "\(name) first values", sourceLocation: sourceLocation)
        }
    }

    struct ExpectedTensor: Decodable {
        let shape: [Int]
        let values: [Double]
    }

    /// Runs make_zip_checkpoint.py with `options`, loads its output, and checks every tensor exactly
    /// against the values the script computed from its own arrays.
    static func checkGenerated(_ options: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let checkpointURL = directory.appendingPathComponent("synthetic.pt")
        let expectedURL = directory.appendingPathComponent("expected.json")
        let run = try python([script("make_zip_checkpoint.py").path, checkpointURL.path, expectedURL.path] + options)
        try #require(run.status == 0, "make_zip_checkpoint.py failed (python3 with numpy is needed): \(run.errors)",
                     sourceLocation: sourceLocation)
        let expected = try JSONDecoder().decode([String: ExpectedTensor].self, from: Data(contentsOf: expectedURL))

        let checkpoint = try Checkpoint.load(contentsOf: checkpointURL, pin: .unpinned)
        #expect(Set(checkpoint.tensors.keys) == Set(expected.keys), sourceLocation: sourceLocation)
        for (name, want) in expected {
            let tensor = try checkpoint.tensor(name)
            #expect(tensor.shape == want.shape, "\(name) shape", sourceLocation: sourceLocation)
            // Bit patterns, so that -0 and 0 differ and every value must match exactly.
            #expect(tensor.data.map(\.bitPattern) == want.values.map { Float($0).bitPattern }, "\(name) values",
                    sourceLocation: sourceLocation)
        }
    }
}
