import Foundation
import Testing
@testable import Shared

@Suite struct PipelineConfigTests {
    private func temporaryFile(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID().uuidString).yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test func theRepositoryDefaultsParse() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let config = try PipelineConfig.load(root.appendingPathComponent("pipeline.yaml"))
        #expect(config.extract.backbone == "mobilenetv2")
        #expect(config.train.arch == "gru2-fc2")
        #expect(config.train.seed == 42)
        #expect(!config.sweep.archs.isEmpty)
    }

    @Test func aPartialFileKeepsDefaultsForTheRest() throws {
        let config = try PipelineConfig.load(try temporaryFile("extract:\n  frames: 64\n"))
        #expect(config.extract.frames == 64)
        #expect(config.extract.backbone == PipelineConfig().extract.backbone)
        #expect(config.paths == PipelineConfig().paths)
    }

    @Test func aMalformedFileIsAnErrorNamingIt() throws {
        let url = try temporaryFile("extract:\n  frames: lots\n")
        let error = #expect(throws: PipelineError.self) { try PipelineConfig.load(url) }
        #expect(error?.description.contains(url.lastPathComponent) == true)
    }
}
