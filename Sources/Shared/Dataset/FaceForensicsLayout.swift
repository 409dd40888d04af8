import Foundation

/// FaceForensics++ and DeepFakeDetection (DFD) as written by FaceForensics++'s download script:
/// `original_sequences/{youtube,actors}/<c>/videos/*.mp4` (real) and
/// `manipulated_sequences/<Method>/<c>/videos/*.mp4` (fake), c in raw (= c0), c23, c40.
/// FF++ methods fake the `youtube` originals; DeepFakeDetection fakes the `actors` originals.
enum FaceForensicsLayout {
    /// A folder of real videos under original_sequences/, and the fakes made from it.
    enum Family: String, CaseIterable, Sendable {
        case youtube
        case actors

        var parseOriginal: @Sendable (String) -> [String]? {
            self == .youtube ? VideoNameParsing.ffppOriginal : VideoNameParsing.dfdOriginal
        }
        var parseFake: @Sendable (String) -> [String]? {
            self == .youtube ? VideoNameParsing.ffppFake : VideoNameParsing.dfdFake
        }
        var originalConvention: String { self == .youtube ? "NNN" : "<AA>__<scene>" }
        var fakeConvention: String { self == .youtube ? "<target>_<source>" : "<AA>_<BB>__<scene>__<id>" }
    }

    static let methods: [(name: String, family: Family)] = [
        ("Deepfakes", .youtube), ("Face2Face", .youtube), ("FaceSwap", .youtube), ("NeuralTextures", .youtube),
        ("FaceShifter", .youtube), ("DeepFakeDetection", .actors),
    ]
    static let ffppAliases: Set<String> = ["ff++", "ffpp", "faceforensics++", "faceforensics"]
    static let dfdAliases: Set<String> = ["dfd"]

    /// Canonical compression -> folder names it may have on disk (the download writes raw, extraction c0).
    static let compressions: [(name: String, folders: [String])] = [("c0", ["c0", "raw"]), ("c23", ["c23"]), ("c40", ["c40"])]

    static func canonicalCompression(_ text: String) -> String? {
        let key = text.trimmingCharacters(in: .whitespaces).lowercased()
        return compressions.first { $0.folders.contains(key) }?.name
    }

    static func matches(_ root: URL) -> Bool {
        DatasetLayout.isFolder(root.appendingPathComponent("original_sequences"))
            || DatasetLayout.isFolder(root.appendingPathComponent("manipulated_sequences"))
    }

    /// One folder of videos of one kind, before the compression is chosen.
    private struct Sequence {
        let path: String  // relative to the dataset root, e.g. "manipulated_sequences/Deepfakes"
        let label: VideoLabel
        let family: Family
        let explicit: Bool  // named in the options, so a missing compression is an error, not a skip
        var convention: String { label == .real ? family.originalConvention : family.fakeConvention }
        var parse: @Sendable (String) -> [String]? { label == .real ? family.parseOriginal : family.parseFake }
    }

    static func list(_ root: URL, options: LayoutOptions) throws -> DatasetLayout.Listing {
        var warnings: [String] = []
        let sequences = try selectSequences(root, options: options, warnings: &warnings)
        let compression = try chooseCompression(root, sequences: sequences, asked: options.compression)
        let found = try collect(root, sequences: sequences, compression: compression,
                                compressionAsked: options.compression != nil)
        warnings += found.warnings
        let groups = IdentityGroups.assign(ids: found.videos.map(\.ids), paths: found.videos.map(\.relativePath),
                                           joinAll: options.joinSwapPartners ?? (found.families == [.youtube]))
        let videos = try found.videos.enumerated().map { index, entry in
            try DatasetLayout.describe(url: entry.url, relativePath: entry.relativePath, label: entry.label,
                                       split: nil, group: groups[index])
        }
        let datasetName = found.families == [.actors] ? "DFD"
            : found.families == [.youtube] ? "FaceForensics++" : "FaceForensics++ and DFD"
        func names(_ list: [String]) -> String { list.isEmpty ? "none" : list.joined(separator: ", ") }
        let source = "\(datasetName) \(compression) (originals: \(names(found.originals)); fakes: \(names(found.methods)))"
        return DatasetLayout.Listing(videos: videos, ignoredFiles: found.ignored, source: source,
                                     warnings: warnings, unparsedNames: found.unparsed, skipped: found.skipped)
    }

    /// The folders of real and fake videos the options pick (all present by default), originals first.
    private static func selectSequences(_ root: URL, options: LayoutOptions,
                                        warnings: inout [String]) throws -> [Sequence] {
        let originals = root.appendingPathComponent("original_sequences", isDirectory: true)
        let manipulated = root.appendingPathComponent("manipulated_sequences", isDirectory: true)
        let knownNames = Set(methods.map(\.name))
        for folder in DatasetLayout.subfolders(of: manipulated) where !knownNames.contains(folder) {
            warnings.append("manipulated_sequences/\(folder)/ is not a known method: ignored")
        }
        let methodsOnDisk = methods.filter { DatasetLayout.isFolder(manipulated.appendingPathComponent($0.name)) }
        var (chosen, families) = try chooseMethods(options.methods, onDisk: methodsOnDisk, manipulated: manipulated)
        if options.methods == nil {
            for family in Family.allCases where DatasetLayout.isFolder(originals.appendingPathComponent(family.rawValue)) {
                families.insert(family)
            }
        }
        var sequences: [Sequence] = []
        for family in Family.allCases where families.contains(family) {
            if DatasetLayout.isFolder(originals.appendingPathComponent(family.rawValue)) {
                sequences.append(Sequence(path: "original_sequences/\(family.rawValue)", label: .real, family: family,
                                          explicit: false))
            } else {
                warnings.append("original_sequences/\(family.rawValue)/ is missing: no real videos for the "
                    + "\(family == .youtube ? "FF++" : "DFD") fakes")
            }
        }
        // A method named twice (directly and through an alias) counts once, explicitly if named directly.
        for method in methods {
            let picks = chosen.filter { $0.name == method.name }
            guard !picks.isEmpty else { continue }
            sequences.append(Sequence(path: "manipulated_sequences/\(method.name)", label: .fake, family: method.family,
                                      explicit: picks.contains { $0.explicit }))
        }
        guard !sequences.isEmpty else {
            throw DatasetError.noSequences(root: root.path, reason: "none of the selected methods or their originals are there")
        }
        return sequences
    }

    /// The methods `names` (methods or the aliases FF++ and DFD; nil: every method on disk) pick, each marked
    /// explicit when named itself, and the original families their fakes come from.
    private static func chooseMethods(_ names: [String]?, onDisk: [(name: String, family: Family)], manipulated: URL)
        throws -> (chosen: [(name: String, explicit: Bool)], families: Set<Family>) {
        guard let names else { return (onDisk.map { ($0.name, false) }, Set(onDisk.map(\.family))) }
        var chosen: [(name: String, explicit: Bool)] = []
        var families = Set<Family>()
        for raw in names {
            let key = raw.trimmingCharacters(in: .whitespaces).lowercased()
            let aliased: Family? = ffppAliases.contains(key) ? .youtube : dfdAliases.contains(key) ? .actors : nil
            if let family = aliased {
                families.insert(family)
                chosen += onDisk.filter { $0.family == family }.map { ($0.name, false) }
            } else if let method = methods.first(where: { $0.name.lowercased() == key }) {
                guard onDisk.contains(where: { $0.name == method.name }) else {
                    throw DatasetError.missingMethod(method.name, path: manipulated.appendingPathComponent(method.name).path)
                }
                families.insert(method.family)
                chosen.append((method.name, true))
            } else {
                throw DatasetError.unknownMethod(raw, known: methods.map(\.name))
            }
        }
        return (chosen, families)
    }

    /// "<sequence>/<folder>/videos" for the compression, under whichever of its folder names is on disk.
    private static func videosFolder(_ root: URL, _ sequence: Sequence, _ compression: String) -> String? {
        let folders = compressions.first { $0.name == compression }?.folders ?? []
        return folders.first { DatasetLayout.isFolder(root.appendingPathComponent("\(sequence.path)/\($0)/videos")) }
            .map { "\(sequence.path)/\($0)/videos" }
    }

    /// The compression asked for, else one every named method has (c23 first), else the one present anywhere.
    private static func chooseCompression(_ root: URL, sequences: [Sequence], asked: String?) throws -> String {
        if let asked {
            guard let canonical = canonicalCompression(asked) else { throw DatasetError.unknownCompression(asked) }
            return canonical
        }
        let named = sequences.filter(\.explicit)
        let candidates = compressions.map(\.name).filter { name in
            named.isEmpty ? sequences.contains { videosFolder(root, $0, name) != nil }
                          : named.allSatisfy { videosFolder(root, $0, name) != nil }
        }
        if candidates.contains("c23") { return "c23" }
        if candidates.count == 1 { return candidates[0] }
        if candidates.isEmpty {
            throw DatasetError.noSequences(root: root.path, reason: "no single <c0|raw|c23|c40>/videos/ folder under "
                + "all of \(sequences.map(\.path).joined(separator: ", "))")
        }
        throw DatasetError.ambiguousCompression(root: root.path, present: candidates)
    }

    /// What the sequences' videos folders of one compression hold.
    private struct Collected {
        var videos: [(url: URL, relativePath: String, label: VideoLabel, ids: [String]?)] = []
        var ignored = 0
        var unparsed = 0
        var skipped: [SkippedFile] = []
        var warnings: [String] = []
        var originals: [String] = []
        var methods: [String] = []
        var families = Set<Family>()
    }

    /// Every video of the sequences at `compression`; a sequence without it is an error when it was named (or
    /// the compression was), else skipped with a warning.
    private static func collect(_ root: URL, sequences: [Sequence], compression: String,
                                compressionAsked: Bool) throws -> Collected {
        var collected = Collected()
        for sequence in sequences {
            guard let folder = videosFolder(root, sequence, compression) else {
                if compressionAsked || sequence.explicit {
                    let present = compressions.map(\.name).filter { videosFolder(root, sequence, $0) != nil }
                    throw DatasetError.missingCompression(
                        path: root.appendingPathComponent("\(sequence.path)/\(compression)/videos").path,
                        compression: compression, present: present)
                }
                collected.warnings.append("\(sequence.path)/ has no \(compression)/videos/: skipped")
                continue
            }
            let files = DatasetLayout.videoFiles(under: root.appendingPathComponent(folder, isDirectory: true), root: root)
            collected.ignored += files.ignored
            collected.skipped += files.skipped
            collected.warnings += files.warnings
            var badNames: [String] = []
            for url in files.videos {
                let ids = sequence.parse(url.lastPathComponent)
                if ids == nil { badNames.append(url.lastPathComponent) }
                collected.videos.append((url, DatasetLayout.relativePath(of: url, under: root), sequence.label, ids))
            }
            collected.unparsed += badNames.count
            if let line = DatasetLayout.unparsedWarning(folder: folder, names: badNames, convention: sequence.convention) {
                collected.warnings.append(line)
            }
            let name = sequence.path.split(separator: "/").last.map(String.init) ?? sequence.path
            if sequence.label == .real { collected.originals.append(name) } else { collected.methods.append(name) }
            collected.families.insert(sequence.family)
        }
        return collected
    }
}
