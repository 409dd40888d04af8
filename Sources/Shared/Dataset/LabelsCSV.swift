import Foundation

/// Reads `labels.csv`: a header `path,label[,split][,group]`, then one video per line.
/// Paths are relative to the dataset folder; label 0/1 or real/fake; split train/val/test (optional);
/// group (optional) names an identity (actor, source clip) whose videos must stay on one side of a split.
/// Paths are normalised (`a/./b`, `a//b`, `a/../b`); two lines naming one file are an error, conflicting or not.
enum LabelsCSV {
    static let splits: Set<String> = ["train", "val", "test"]

    /// One line as read, to name it when a later line lists the same file.
    private struct Row {
        let line: Int
        let text: String
        let label: VideoLabel
        let split: String?
        let group: String?

        /// "label (fake vs real)" and the like, or nil when both lines say the same.
        func conflict(with other: Row) -> String? {
            var parts: [String] = []
            if label != other.label { parts.append("label (\(label) vs \(other.label))") }
            if split != other.split { parts.append("split (\(split ?? "none") vs \(other.split ?? "none"))") }
            if group != other.group { parts.append("group (\(group ?? "none") vs \(other.group ?? "none"))") }
            return parts.isEmpty ? nil : parts.joined(separator: " and ")
        }
    }

    static func read(_ file: URL, datasetRoot: URL) throws -> [DatasetVideo] {
        let text: String
        do { text = try String(contentsOf: file, encoding: .utf8) } catch {
            throw DatasetError.badLabelsLine(file: file.path, line: 0, reason: "cannot read the file as UTF-8 text")
        }
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        while lines.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeLast() }
        guard let header = lines.first else {
            throw DatasetError.badLabelsLine(file: file.path, line: 1, reason: "the file is empty")
        }
        let columns = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let optional = Array(columns.dropFirst(2))
        guard columns.count >= 2, columns[0] == "path", columns[1] == "label",
              Set(optional).isSubset(of: ["split", "group"]), Set(optional).count == optional.count else {
            throw DatasetError.badLabelsLine(file: file.path, line: 1, reason: "header is '\(header)'")
        }
        let splitColumn = columns.firstIndex(of: "split")
        let groupColumn = columns.firstIndex(of: "group")
        let realRoot = DatasetPaths.resolved(datasetRoot.path) ?? datasetRoot.standardizedFileURL.path
        var seen: [String: Row] = [:]
        var videos: [DatasetVideo] = []
        for (offset, line) in lines.enumerated().dropFirst() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let number = offset + 1
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == columns.count else {
                throw DatasetError.badLabelsLine(file: file.path, line: number, reason: "has \(fields.count) fields, the header has \(columns.count)")
            }
            guard !fields[0].hasPrefix("/"), let path = DatasetPaths.normalized(fields[0]) else {
                throw DatasetError.badLabelsLine(file: file.path, line: number,
                                                 reason: "path '\(fields[0])' must be relative to the dataset folder and stay inside it")
            }
            guard let label = VideoLabel(text: fields[1]) else {
                throw DatasetError.badLabelsLine(file: file.path, line: number, reason: "label '\(fields[1])' is not 0/1 or real/fake")
            }
            var split: String?
            if let splitColumn {
                let value = fields[splitColumn].lowercased()
                guard splits.contains(value) else {
                    throw DatasetError.badLabelsLine(file: file.path, line: number, reason: "split '\(fields[splitColumn])' is not train/val/test")
                }
                split = value
            }
            let group = groupColumn.flatMap { fields[$0].isEmpty ? nil : fields[$0] }
            let row = Row(line: number, text: fields[0], label: label, split: split, group: group)
            if let first = seen.updateValue(row, forKey: path) {
                throw DatasetError.duplicateListedVideo(file: file.path, line: number, path: fields[0], firstLine: first.line,
                                                        firstPath: first.text, conflict: row.conflict(with: first))
            }
            let url = datasetRoot.appendingPathComponent(path)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw DatasetError.missingListedVideo(file: file.path, line: number, path: fields[0])
            }
            // As in a folder walk: a linked file may lead anywhere, a linked folder only inside the dataset.
            if let folder = DatasetPaths.resolved(url.deletingLastPathComponent().path),
               !DatasetPaths.isInside(folder, root: realRoot) {
                throw DatasetError.badLabelsLine(file: file.path, line: number,
                                                 reason: "path '\(fields[0])' goes through a linked folder that leads outside the dataset folder (to \(folder))")
            }
            videos.append(try DatasetLayout.describe(url: url, relativePath: path, label: label, split: split, group: group))
        }
        return videos
    }
}
