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

    @Test func anUnknownKeyNamesTheClosestKnownOneAndItsLine() throws {
        let url = try temporaryFile("train:\n  arch: gru1-fc1\n  epochz: 5\n")
        let error = #expect(throws: PipelineError.self) { try PipelineConfig.load(url) }
        let text = error?.description ?? ""
        #expect(text.contains(url.path) && text.contains("line 3") && text.contains("'train.epochz'"))
        #expect(text.contains("did you mean 'epochs'?"), "\(text)")
        #expect(!text.contains("\n"))
    }

    @Test func aKnownKeyInTheWrongSectionSaysWhereItBelongs() throws {
        let error = #expect(throws: PipelineError.self) { try PipelineConfig.load(try temporaryFile("train:\n  frames: 16\n")) }
        #expect(error?.description.contains("'frames' belongs under extract") == true, "\(error?.description ?? "")")
    }

    @Test func anUnknownSectionIsRefused() throws {
        let error = #expect(throws: PipelineError.self) { try PipelineConfig.load(try temporaryFile("trian:\n  epochs: 5\n")) }
        #expect(error?.description.contains("unknown section 'trian': did you mean 'train'?") == true, "\(error?.description ?? "")")
    }

    @Test func aWrongTypeNamesTheKeyLineAndValueOnOneLine() throws {
        let url = try temporaryFile("paths:\n  data_dir: d\nextract:\n  frames: lots\n")
        let error = #expect(throws: PipelineError.self) { try PipelineConfig.load(url) }
        let text = error?.description ?? ""
        #expect(text.contains("extract.frames line 4: expected a whole number, found 'lots'"), "\(text)")
        #expect(!text.contains("\n") && !text.contains("codingPath"))
    }

    @Test func brokenYAMLSyntaxIsOneLineWithItsPosition() throws {
        let url = try temporaryFile("train:\n  arch: [gru1\n  epochs: 5\n")
        let error = #expect(throws: PipelineError.self) { try PipelineConfig.load(url) }
        let text = error?.description ?? ""
        #expect(text.contains(url.path) && text.contains("invalid YAML") && text.contains("line "), "\(text)")
        #expect(!text.contains("\n"))
    }

    @Test func anEmptyFileOrSectionGivesTheDefaults() throws {
        #expect(try PipelineConfig.load(try temporaryFile("")) == PipelineConfig())
        #expect(try PipelineConfig.load(try temporaryFile("# nothing set\ntrain:\n")) == PipelineConfig())
    }

    @Test func aGivenConfigThatDoesNotExistIsAnError() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("missing-\(UUID().uuidString).yaml").path
        let error = #expect(throws: PipelineError.self) { try PipelineConfig.resolve(path: missing) }
        #expect(error?.description.contains("--config \(missing): no such file") == true)
        let found = try PipelineConfig.resolve(path: try temporaryFile("train:\n  epochs: 7\n").path)
        #expect(found.config.train.epochs == 7)
    }

    @Test func helpDefaultsComeFromTheConfigTheArgumentsName() throws {
        let url = try temporaryFile("extract:\n  frames: 77\n")
        let resolved = ConfigHelp.resolved(arguments: ["train", "--frames", "3", "--config", url.path])
        #expect(resolved.config.extract.frames == 77 && resolved.source == url.path)
        #expect(ConfigHelp.resolved(arguments: ["train", "--config=\(url.path)"]).config.extract.frames == 77)
    }

    @Test func editDistanceCountsSingleEdits() {
        #expect(ConfigKeyCheck.editDistance("epochz", "epochs") == 1)
        #expect(ConfigKeyCheck.editDistance("", "abc") == 3)
        #expect(ConfigKeyCheck.editDistance("kitten", "sitting") == 3)
    }
}
