import ArgumentParser
import Shared

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "train",
        abstract: "Train GRU/FC heads on cached embedding sequences.")
    func run() throws { throw PipelineError("train is not implemented yet") }
}
TrainCommand.main()
