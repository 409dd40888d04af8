import Foundation
import Shared

/// `bench <command> --key value ...`: the few options the harness passes, with defaults per benchmark.
struct BenchArguments {
    let command: String
    private let options: [String: String]

    init(_ arguments: [String]) throws {
        guard let first = arguments.first else { throw BenchUsageError(problem: "no command given") }
        command = first
        var options: [String: String] = [:]
        var index = 1
        while index < arguments.count {
            let key = arguments[index]
            guard key.hasPrefix("--"), index + 1 < arguments.count else {
                throw BenchUsageError(problem: "expected '--option value', got '\(key)'")
            }
            options[String(key.dropFirst(2))] = arguments[index + 1]
            index += 2
        }
        self.options = options
    }

    func string(_ key: String, default value: String) -> String { options[key] ?? value }

    func int(_ key: String, default value: Int) throws -> Int {
        guard let text = options[key] else { return value }
        guard let number = Int(text) else { throw BenchUsageError(problem: "--\(key) needs an integer, got '\(text)'") }
        return number
    }

    func ints(_ key: String, default value: [Int]) throws -> [Int] {
        guard let text = options[key] else { return value }
        let numbers = text.split(separator: ",").compactMap { Int($0) }
        guard !numbers.isEmpty else { throw BenchUsageError(problem: "--\(key) needs integers like 1,8,16, got '\(text)'") }
        return numbers
    }

    func strings(_ key: String, default value: [String]) -> [String] {
        guard let text = options[key] else { return value }
        return text.split(separator: ",").map(String.init)
    }

    /// A file or folder the benchmark needs; missing ones name the make target that creates them.
    func path(_ key: String) throws -> URL {
        guard let url = try optionalPath(key) else { throw BenchUsageError(problem: "--\(key) PATH is required") }
        return url
    }

    /// Like `path`, for an option that may be left out (nil then); given, the file must exist.
    func optionalPath(_ key: String) throws -> URL? {
        guard let text = options[key] else { return nil }
        guard FileManager.default.fileExists(atPath: text) else {
            throw BenchUsageError(problem: "--\(key) \(text) does not exist (bench/run.py creates it; run `make bench`)")
        }
        return URL(fileURLWithPath: text)
    }
}

/// A wrong invocation of the bench binary; it is normally run by bench/run.py.
struct BenchUsageError: DiagnosedError {
    let problem: String
    var description: String {
        "bench: \(problem). Commands: info, gemm, head-gemm, backbone, embed-check, sampler, scaling, train-epoch, sweep; "
            + "run them through `make bench` (bench/run.py), which passes the right options."
    }
}
