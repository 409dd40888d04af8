import Foundation
import Shared
import Testing
import Yams

/// deploy/k8s/ cannot be applied here (no cluster), so its contract with the extract CLI is checked instead:
/// the manifests parse, the Indexed Job's completions equal its --shard-count, every flag is one the built
/// extract binary accepts, the merge names the same cache, and the pods mount what the flags point at.
struct KubernetesManifestTests {
    let folder = PackagePaths.root.appendingPathComponent("deploy/k8s")

    private func document(_ file: String) throws -> [String: Any] {
        let url = folder.appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        return try #require(try Yams.load(yaml: text) as? [String: Any], "\(file) is not one YAML mapping")
    }

    /// The first container of a Job's pod template.
    private func container(_ job: [String: Any]) throws -> [String: Any] {
        let spec = try #require(job["spec"] as? [String: Any])
        let pod = try #require((spec["template"] as? [String: Any])?["spec"] as? [String: Any])
        return try #require((pod["containers"] as? [[String: Any]])?.first)
    }

    /// `--name=value` flags of a command, by name.
    private func flags(_ command: [String]) -> [String: String] {
        var result: [String: String] = [:]
        for argument in command where argument.hasPrefix("--") {
            let parts = argument.dropFirst(2).split(separator: "=", maxSplits: 1)
            result[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return result
    }

    /// Runs extract with `environment` (no Slurm variables) and returns its exit status and stderr.
    private func extract(_ arguments: [String], environment: [String: String]) throws -> (status: Int32, stderr: String) {
        let binary = PackagePaths.root.appendingPathComponent(".build/release/extract")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "run the tests with `make test` (it builds the binaries)")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment
            .filter { !$0.key.hasPrefix("SLURM_") && $0.key != "JOB_COMPLETION_INDEX" }.merging(environment) { $1 }
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.runFenced()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    private func help(_ arguments: [String]) throws -> String {
        let binary = PackagePaths.root.appendingPathComponent(".build/release/extract")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "run the tests with `make test` (it builds the binaries)")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments + ["--help"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.runFenced()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text
    }

    @Test func indexedJobShardsMatchTheExtractCLI() throws {
        let job = try document("extract-indexed-job.yaml")
        #expect(job["kind"] as? String == "Job")
        let spec = try #require(job["spec"] as? [String: Any])
        #expect(spec["completionMode"] as? String == "Indexed")
        let completions = try #require(spec["completions"] as? Int)
        let parallelism = try #require(spec["parallelism"] as? Int)
        #expect((1...completions).contains(parallelism))
        let command = try #require(try container(job)["command"] as? [String])
        #expect(URL(fileURLWithPath: command[0]).lastPathComponent == "extract")
        let given = flags(command)
        #expect(given["shard-count"] == String(completions), "completions \(completions) and --shard-count must agree")
        #expect(given["shard"] == nil, "each pod's shard comes from JOB_COMPLETION_INDEX, not a fixed --shard")
        // `extract --flags` runs the default subcommand, embed.
        let accepted = try help(["embed"])
        for name in given.keys { #expect(accepted.contains("--\(name) "), "extract has no --\(name)") }
    }

    /// Pod i of the Job gets JOB_COMPLETION_INDEX=i: indexes 0..completions-1 are shards, the next is not.
    @Test func completionIndexesAreTheShards() throws {
        let job = try document("extract-indexed-job.yaml")
        let completions = try #require((job["spec"] as? [String: Any])?["completions"] as? Int)
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("k8s-\(UUID().uuidString)").path
        let defaults = FileManager.default.temporaryDirectory.appendingPathComponent("k8s-defaults-\(UUID().uuidString).yaml")
        try Data().write(to: defaults)  // the built-in defaults
        defer { try? FileManager.default.removeItem(at: defaults) }
        let arguments = ["--shard-count", String(completions), "--data", "D", "--data-dir", missing, "--config", defaults.path]
        let last = try extract(arguments, environment: ["JOB_COMPLETION_INDEX": String(completions - 1)])
        #expect(last.status != 0 && last.stderr.contains("does not exist"), "index \(completions - 1) should reach the dataset: \(last.stderr)")
        let beyond = try extract(arguments, environment: ["JOB_COMPLETION_INDEX": String(completions)])
        #expect(beyond.status != 0 && beyond.stderr.contains("out of range"), "index \(completions): \(beyond.stderr)")
        let none = try extract(arguments, environment: [:])
        #expect(none.status != 0 && none.stderr.contains("JOB_COMPLETION_INDEX"), "no index: \(none.stderr)")
    }

    @Test func mergeJobJoinsTheSameCache() throws {
        let shards = flags(try #require(try container(try document("extract-indexed-job.yaml"))["command"] as? [String]))
        let command = try #require(try container(try document("merge-job.yaml"))["command"] as? [String])
        #expect(URL(fileURLWithPath: command[0]).lastPathComponent == "extract" && command[1] == "merge")
        let merge = flags(command)
        for name in ["data", "frames", "backbone", "cache-dir", "crop", "models-dir"] {
            #expect(merge[name] == shards[name], "--\(name) differs between the shards and the merge")
        }
        let accepted = try help(["merge"])
        #expect(accepted.contains("USAGE: extract merge"), "extract has no merge subcommand")
        for name in merge.keys { #expect(accepted.contains("--\(name) "), "extract merge has no --\(name)") }
    }

    @Test func podsMountTheSharedVolumeWhereTheFlagsPoint() throws {
        let claim = try document("shared-volume.yaml")
        #expect(claim["kind"] as? String == "PersistentVolumeClaim")
        let claimName = try #require((claim["metadata"] as? [String: Any])?["name"] as? String)
        #expect(((claim["spec"] as? [String: Any])?["accessModes"] as? [String]) == ["ReadWriteMany"])
        for file in ["extract-indexed-job.yaml", "merge-job.yaml"] {
            let job = try document(file)
            let pod = try #require(((job["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any])
            #expect(pod["restartPolicy"] as? String == "Never", "\(file): a failed pod must be retried as a new pod")
            let volumes = try #require(pod["volumes"] as? [[String: Any]])
            let claims = volumes.compactMap { ($0["persistentVolumeClaim"] as? [String: Any])?["claimName"] as? String }
            #expect(claims == [claimName], "\(file) must mount the claim \(claimName)")
            let mounts = try #require(try container(job)["volumeMounts"] as? [[String: Any]]).compactMap { $0["mountPath"] as? String }
            let given = flags(try #require(try container(job)["command"] as? [String]))
            for name in ["data-dir", "cache-dir"] {
                guard let path = given[name] else { continue }
                #expect(mounts.contains { path.hasPrefix($0 + "/") || path == $0 }, "\(file): --\(name)=\(path) is on no mounted volume")
            }
        }
    }
}
