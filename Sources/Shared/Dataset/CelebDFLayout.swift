import Foundation

/// Celeb-DF v1/v2 as unpacked: `Celeb-real/`, `YouTube-real/`, `Celeb-synthesis/` (optionally with a
/// `videos/` level inside) and the official `List_of_testing_videos.txt`, whose videos form the test split.
enum CelebDFLayout {
    static let testListName = "List_of_testing_videos.txt"

    struct Folder: Sendable {
        let name: String
        let label: VideoLabel
        let convention: String
        let parse: @Sendable (String) -> [String]?
    }

    static let folders: [Folder] = [
        Folder(name: "Celeb-real", label: .real, convention: "id<N>_<NNNN>", parse: VideoNameParsing.celebReal),
        Folder(name: "YouTube-real", label: .real, convention: "<NNNNN>", parse: VideoNameParsing.youtubeReal),
        Folder(name: "Celeb-synthesis", label: .fake, convention: "id<T>_id<S>_<NNNN>",
               parse: VideoNameParsing.celebSynthesis),
    ]

    static func matches(_ root: URL) -> Bool {
        DatasetLayout.isFolder(root.appendingPathComponent("Celeb-real"))
            || DatasetLayout.isFolder(root.appendingPathComponent("Celeb-synthesis"))
    }

    private struct Found {
        let url: URL
        let relativePath: String
        let folder: Folder
        let ids: [String]?
    }

    static func list(_ root: URL, options: LayoutOptions) throws -> DatasetLayout.Listing {
        var found: [Found] = []
        var ignored = 0
        var warnings: [String] = []
        var unparsed = 0
        var skipped: [SkippedFile] = []
        for folder in folders {
            let base = root.appendingPathComponent(folder.name, isDirectory: true)
            guard DatasetLayout.isFolder(base) else {
                warnings.append("\(folder.name)/ is missing: no \(folder.label == .real ? "real" : "fake") videos from it")
                continue
            }
            let files = DatasetLayout.videoFiles(under: base, root: root)
            ignored += files.ignored
            skipped += files.skipped
            warnings += files.warnings
            var badNames: [String] = []
            for url in files.videos {
                let ids = folder.parse(url.lastPathComponent)
                if ids == nil { badNames.append(url.lastPathComponent) }
                found.append(Found(url: url, relativePath: DatasetLayout.relativePath(of: url, under: root),
                                   folder: folder, ids: ids))
            }
            unparsed += badNames.count
            if let line = DatasetLayout.unparsedWarning(folder: folder.name, names: badNames, convention: folder.convention) {
                warnings.append(line)
            }
        }

        var splits = [String?](repeating: nil, count: found.count)
        let listFile = root.appendingPathComponent(testListName)
        let source: String
        if FileManager.default.fileExists(atPath: listFile.path) {
            let testIndices = try readTestList(listFile, found: found)
            for index in testIndices { splits[index] = "test" }
            source = "Celeb-DF folders + \(testListName) (\(testIndices.count) test videos)"
        } else {
            warnings.append("\(testListName) is missing: no official test split; the splitter will hold out a grouped test set")
            source = "Celeb-DF folders (no \(testListName))"
        }

        let groups = IdentityGroups.assign(ids: found.map(\.ids), paths: found.map(\.relativePath),
                                            joinAll: options.joinSwapPartners ?? false)
        var videos: [DatasetVideo] = []
        videos.reserveCapacity(found.count)
        for (index, entry) in found.enumerated() {
            videos.append(try DatasetLayout.describe(url: entry.url, relativePath: entry.relativePath, label: entry.folder.label,
                                                     split: splits[index], group: groups[index]))
        }
        return DatasetLayout.Listing(videos: videos, ignoredFiles: ignored, source: source,
                                     warnings: warnings, unparsedNames: unparsed, skipped: skipped)
    }

    /// Indices into `found` of the listed test videos, after checking each line's label against its folder.
    private static func readTestList(_ file: URL, found: [Found]) throws -> [Int] {
        let text: String
        do { text = try String(contentsOf: file, encoding: .utf8) } catch {
            throw DatasetError.badTestListLine(file: file.path, line: 0, reason: "cannot read the file as UTF-8 text")
        }
        var byPath: [String: Int] = [:]
        // Some redistributions add a videos/ level the list never names: match on folder + file name too.
        var byFolderAndName: [String: [Int]] = [:]
        for (index, entry) in found.enumerated() {
            byPath[entry.relativePath] = index
            byFolderAndName[entry.folder.name + "/" + entry.url.lastPathComponent, default: []].append(index)
        }
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        var chosen: [Int] = []
        var seen = Set<Int>()
        for (offset, line) in lines.enumerated() {
            let number = offset + 1
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if fields.isEmpty { continue }
            guard fields.count == 2 else {
                throw DatasetError.badTestListLine(file: file.path, line: number, reason: "has \(fields.count) fields, not 2")
            }
            let listedLabel: VideoLabel
            switch fields[0] {
            case "1": listedLabel = .real
            case "0": listedLabel = .fake
            default:
                throw DatasetError.badTestListLine(file: file.path, line: number, reason: "label '\(fields[0])' is not 0 or 1")
            }
            var path = fields[1].replacingOccurrences(of: "\\", with: "/")
            if path.hasPrefix("./") { path.removeFirst(2) }
            let components = path.split(separator: "/")
            guard let top = components.first, let folder = folders.first(where: { $0.name == top }),
                  let fileName = components.last, components.count >= 2 else {
                throw DatasetError.badTestListLine(file: file.path, line: number,
                                                   reason: "path '\(path)' is not under Celeb-real/, YouTube-real/ or Celeb-synthesis/")
            }
            guard listedLabel == folder.label else {
                let said = listedLabel == .real ? "1 (real)" : "0 (fake)"
                throw DatasetError.badTestListLine(file: file.path, line: number,
                                                   reason: "label \(said) contradicts \(folder.name)/, which holds \(folder.label == .real ? "real" : "fake") videos")
            }
            let candidates = byPath[path].map { [$0] } ?? byFolderAndName[folder.name + "/" + fileName] ?? []
            guard candidates.count == 1, let index = candidates.first else {
                throw DatasetError.missingTestListVideo(file: file.path, line: number, path: path)
            }
            guard seen.insert(index).inserted else {
                throw DatasetError.badTestListLine(file: file.path, line: number, reason: "\(path) is listed twice")
            }
            chosen.append(index)
        }
        return chosen
    }
}
