import Foundation

/// A labels.csv read on its own (outside a dataset listing): its paths are relative to its folder.
public enum LabelsFile {
    /// The videos the file lists, with absolute URLs; the same checks and one-line errors as a dataset's.
    public static func read(_ file: URL) throws -> [DatasetVideo] {
        try LabelsCSV.read(file, datasetRoot: file.deletingLastPathComponent())
    }

    /// The file a folder of videos brings along ("labels.csv" in it), or nil when it has none.
    public static func inFolder(_ folder: URL) -> URL? {
        let file = folder.appendingPathComponent("labels.csv")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            return nil
        }
        return file
    }

    /// One key per file however it is named (links and `..` resolved), to match videos to labels.
    public static func key(_ url: URL) -> String {
        DatasetPaths.resolved(url.path) ?? url.standardizedFileURL.path
    }
}
