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
        let originals = root.appendingPathComponent("original_sequences", isDirectory: true)
        let manipulated = root.appendingPathComponent("manipulated_sequences", isDirectory: true)
        let knownNames = Set(methods.map(\.name))
        for folder in DatasetLayout.subfolders(of: manipulated) where !knownNames.contains(folder) {
            warnings.append("manipulated_sequences/\(folder)/ is not a known method: ignored")
        }
        let methodsOnDisk = methods.filter { DatasetLayout.isFolder(manipulated.appendingPathComponent($0.name)) }

        // Which methods and which original families to take.
        var chosen: [(name: String, family: Family, explicit: Bool)] = []
        var families = Set<Family>()
        if let names = options.methods {
            for raw in names {
                let key = raw.trimmingCharacters(in: .whitespaces).lowercased()
                if ffppAliases.contains(key) {
                    families.insert(.youtube)
                    for method in methodsOnDisk where method.family == .youtube { chosen.append((method.name, .youtube, false)) }
                } else if dfdAliases.contains(key) {
                    families.insert(.actors)
                    for method in methodsOnDisk where method.family == .actors { chosen.append((method.name, .actors, false)) }
                } else if let method = methods.first(where: { $0.name.lowercased() == key }) {
                    guard methodsOnDisk.contains(where: { $0.name == method.name }) else {
                        throw DatasetError.missingMethod(method.name, path: manipulated.appendingPathComponent(method.name).path)
                    }
                    families.insert(method.family)
                    chosen.append((method.name, method.family, true))
                } else {
                    throw DatasetError.unknownMethod(raw, known: methods.map(\.name))
                }
            }
        } else {
            for method in methodsOnDisk { chosen.append((method.name, method.family, false)) }
            families = Set(chosen.map(\.family))
            for family in Family.allCases where DatasetLayout.isFolder(originals.appendingPathComponent(family.rawValue)) {
                families.insert(family)
            }
        }
        // A method named twice (directly and through an alias) counts once, explicitly if named directly.
        var uniqueMethods: [(name: String, family: Family, explicit: Bool)] = []
        for method in methods {
            let picks = chosen.filter { $0.name == method.name }
            if !picks.isEmpty { uniqueMethods.append((method.name, method.family, picks.contains { $0.explicit })) }
        }

        var sequences: [Sequence] = []
        for family in Family.allCases where families.contains(family) {
            if DatasetLayout.isFolder(originals.appendingPathComponent(family.rawValue)) {
                sequences.append(Sequence(path: "original_sequences/\(family.rawValue)", label: .real, family: family, explicit: false))
            } else {
                warnings.append("original_sequences/\(family.rawValue)/ is missing: no real videos for the \(family == .youtube ? "FF++" : "DFD") fakes")
            }
        }
        for method in uniqueMethods {
            sequences.append(Sequence(path: "manipulated_sequences/\(method.name)", label: .fake, family: method.family,
                                      explicit: method.explicit))
        }
        guard !sequences.isEmpty else {
            throw DatasetError.noSequences(root: root.path, reason: "none of the selected methods or their originals are there")
        }

        // Which compression, and its folder name in each sequence.
        func videosFolder(_ sequence: Sequence, _ compression: String) -> String? {
            let folders = compressions.first { $0.name == compression }?.folders ?? []
            return folders.first { DatasetLayout.isFolder(root.appendingPathComponent("\(sequence.path)/\($0)/videos")) }
                .map { "\(sequence.path)/\($0)/videos" }
        }
        func present(_ sequence: Sequence) -> [String] {
            compressions.map(\.name).filter { videosFolder(sequence, $0) != nil }
        }
        // By default a compression every named method has (c23 first), else one present anywhere.
        let named = sequences.filter(\.explicit)
        let candidates = compressions.map(\.name).filter { name in
            named.isEmpty ? sequences.contains { videosFolder($0, name) != nil } : named.allSatisfy { videosFolder($0, name) != nil }
        }
        let compression: String
        if let asked = options.compression {
            guard let canonical = canonicalCompression(asked) else { throw DatasetError.unknownCompression(asked) }
            compression = canonical
        } else if candidates.contains("c23") {
            compression = "c23"
        } else if candidates.count == 1 {
            compression = candidates[0]
        } else if candidates.isEmpty {
            throw DatasetError.noSequences(root: root.path, reason: "no single <c0|raw|c23|c40>/videos/ folder under all of \(sequences.map(\.path).joined(separator: ", "))")
        } else {
            throw DatasetError.ambiguousCompression(root: root.path, present: candidates)
        }

        var found: [(url: URL, relativePath: String, label: VideoLabel, ids: [String]?)] = []
        var ignored = 0
        var unparsed = 0
        var skipped: [SkippedFile] = []
        var takenOriginals: [String] = []
        var takenMethods: [String] = []
        var usedFamilies = Set<Family>()
        for sequence in sequences {
            guard let folder = videosFolder(sequence, compression) else {
                if options.compression != nil || sequence.explicit {
                    throw DatasetError.missingCompression(path: root.appendingPathComponent("\(sequence.path)/\(compression)/videos").path,
                                                          compression: compression, present: present(sequence))
                }
                warnings.append("\(sequence.path)/ has no \(compression)/videos/: skipped")
                continue
            }
            let files = DatasetLayout.videoFiles(under: root.appendingPathComponent(folder, isDirectory: true), root: root)
            ignored += files.ignored
            skipped += files.skipped
            warnings += files.warnings
            var badNames: [String] = []
            for url in files.videos {
                let ids = sequence.parse(url.lastPathComponent)
                if ids == nil { badNames.append(url.lastPathComponent) }
                found.append((url, DatasetLayout.relativePath(of: url, under: root), sequence.label, ids))
            }
            unparsed += badNames.count
            if let line = DatasetLayout.unparsedWarning(folder: folder, names: badNames, convention: sequence.convention) {
                warnings.append(line)
            }
            let name = sequence.path.split(separator: "/").last.map(String.init) ?? sequence.path
            if sequence.label == .real { takenOriginals.append(name) } else { takenMethods.append(name) }
            usedFamilies.insert(sequence.family)
        }

        let groups = IdentityGroups.assign(ids: found.map(\.ids), paths: found.map(\.relativePath),
                                            joinAll: options.joinSwapPartners ?? (usedFamilies == [.youtube]))
        var videos: [DatasetVideo] = []
        videos.reserveCapacity(found.count)
        for (index, entry) in found.enumerated() {
            videos.append(try DatasetLayout.describe(url: entry.url, relativePath: entry.relativePath, label: entry.label,
                                                     split: nil, group: groups[index]))
        }
        let datasetName = usedFamilies == [.actors] ? "DFD" : usedFamilies == [.youtube] ? "FaceForensics++" : "FaceForensics++ and DFD"
        let source = "\(datasetName) \(compression) (originals: \(takenOriginals.isEmpty ? "none" : takenOriginals.joined(separator: ", "));"
            + " fakes: \(takenMethods.isEmpty ? "none" : takenMethods.joined(separator: ", ")))"
        return DatasetLayout.Listing(videos: videos, ignoredFiles: ignored, source: source,
                                     warnings: warnings, unparsedNames: unparsed, skipped: skipped)
    }
}
