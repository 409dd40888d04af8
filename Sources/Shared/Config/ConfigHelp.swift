/// The defaults `--help` shows: pipeline.yaml as a run with the same arguments would resolve it, so the help
/// never claims a default the file overrides.
public enum ConfigHelp {
    /// The configuration of `--config PATH` (or `--config=PATH`) among `arguments`, else ./pipeline.yaml.
    public static func resolved(arguments: [String]) -> (config: PipelineConfig, source: String) {
        var path: String?
        for (index, argument) in arguments.enumerated() {
            if argument == "--config", index + 1 < arguments.count { path = arguments[index + 1] }
            if argument.hasPrefix("--config=") { path = String(argument.dropFirst("--config=".count)) }
        }
        do { return try PipelineConfig.resolve(path: path) } catch {
            return (PipelineConfig(), "built-in defaults; \(error)")
        }
    }

    /// This process's resolved configuration, read once.
    public static let current: (config: PipelineConfig, source: String) = resolved(arguments: CommandLine.arguments)

    /// " (default: 32, pipeline.yaml extract.frames)" for an option's help.
    public static func note(_ key: String, _ value: Any) -> String {
        let shown = (value as? [Any]).map { $0.isEmpty ? "none" : $0.map { "\($0)" }.joined(separator: ",") } ?? "\(value)"
        return " (default: \(shown) from \(current.source.hasPrefix("built-in") ? "built-in defaults" : current.source) \(key))"
    }
}
