import ArgumentParser
import Extract
import Shared

struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "extract",
        abstract: "Decode videos, run a frozen ImageNet CNN on sampled frames, cache the embeddings in HDF5.")
    func run() throws { print("extract \(ToolVersion.string)") }
}
ExtractCommand.main()
