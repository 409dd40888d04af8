import Foundation
import Shared

/// The folder of one run, `results/<DATA>/<backbone>_f<FRAMES>/<ARCH>[_fold<k>of<K>][_runN]/`:
/// model.h5, request.json, history.csv, metrics.json, scores.csv, learning_curves.svg, roc_test.svg.
/// Written into `<folder>.partial` (claimed before training) and renamed at the end, so a folder that
/// exists is complete.
public enum RunFolder {
    public static func datasetResults(_ resultsDirectory: URL, dataset: String) -> URL {
        resultsDirectory.appendingPathComponent(dataset, isDirectory: true)
    }

    /// The folder of a finished run with exactly this request on a cache with this fingerprint, if any (a
    /// run written before fingerprints were recorded matches on its request alone).
    public static func existing(_ request: TrainingRequest, cacheFingerprint: String, resultsDirectory: URL) -> URL? {
        for url in candidates(request, resultsDirectory: resultsDirectory) {
            let finished = FileManager.default.fileExists(atPath: url.path)
            guard finished || FileManager.default.fileExists(atPath: partialURL(url).path) else { return nil }
            if finished, let earlier = try? readMetrics(url), earlier.request == request,
               (earlier.cacheFingerprint ?? cacheFingerprint) == cacheFingerprint { return url }
        }
        return nil
    }

    /// Claims the first name that is neither a finished run nor another run's `.partial`, by creating that
    /// `.partial` folder: mkdir is atomic, so concurrent runs (sweep jobs, two shells) never share a name.
    /// Returns the final folder; `write` fills the claimed `.partial` and renames it there.
    static func claim(_ request: TrainingRequest, resultsDirectory: URL) throws -> URL {
        let fm = FileManager.default
        for url in candidates(request, resultsDirectory: resultsDirectory) where !fm.fileExists(atPath: url.path) {
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            if mkdir(partialURL(url).path, 0o755) == 0 { return url }
            guard errno == EEXIST else {
                throw PipelineError("cannot create \(partialURL(url).path): \(String(cString: strerror(errno))); check that the results folder is writable")
            }
        }
        fatalError("candidates never ends")
    }

    /// `<ARCH>`, `<ARCH>_run2`, `<ARCH>_run3`, ... under results/<DATA>/<backbone>_f<FRAMES>/; a cross-validation
    /// run is `<ARCH>_fold<k>of<K>[_runN]`.
    private static func candidates(_ request: TrainingRequest, resultsDirectory: URL) -> some Sequence<URL> {
        let parent = datasetResults(resultsDirectory, dataset: request.dataset).appendingPathComponent(request.cacheStem)
        let name = request.architecture.replacingOccurrences(of: "/", with: "_") + (request.fold?.folderSuffix ?? "")
        return (1...).lazy.map { parent.appendingPathComponent($0 == 1 ? name : "\(name)_run\($0)", isDirectory: true) }
    }

    static func partialURL(_ folder: URL) -> URL {
        folder.deletingLastPathComponent().appendingPathComponent(folder.lastPathComponent + ".partial", isDirectory: true)
    }

    public static func readMetrics(_ folder: URL) throws -> RunMetrics {
        let data = try Data(contentsOf: folder.appendingPathComponent("metrics.json"))
        return try JSONDecoder().decode(RunMetrics.self, from: data)
    }

    /// Fills the claimed folder's `.partial` and renames it to the claimed name, or over `replacing` (an
    /// identical earlier run trained again); returns where the run now is.
    static func write(to folder: URL, replacing earlier: URL? = nil, model: ModelFile, metrics: RunMetrics,
                      history: [EpochRecord], testROC: [Metrics.ROCPoint], scores: ScoresTable) throws -> URL {
        let partial = partialURL(folder)   // claimed by `claim`
        try model.write(to: partial.appendingPathComponent("model.h5"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(metrics.request).write(to: partial.appendingPathComponent("request.json"))
        try encoder.encode(metrics).write(to: partial.appendingPathComponent("metrics.json"))
        try historyCSV(history).write(to: partial.appendingPathComponent("history.csv"), atomically: true, encoding: .utf8)
        try scores.csv().write(to: partial.appendingPathComponent(ScoresTable.fileName), atomically: true, encoding: .utf8)
        try RunPlots.learningCurves(history, bestEpoch: metrics.bestEpoch, title: metrics.request.architecture)
            .write(to: partial.appendingPathComponent("learning_curves.svg"), atomically: true, encoding: .utf8)
        try RunPlots.roc(testROC, metrics: metrics, title: "test ROC, \(metrics.request.architecture)")
            .write(to: partial.appendingPathComponent("roc_test.svg"), atomically: true, encoding: .utf8)
        guard let earlier else {
            try FileManager.default.moveItem(at: partial, to: folder)
            return folder
        }
        try FileManager.default.removeItem(at: earlier)
        try FileManager.default.moveItem(at: partial, to: earlier)
        return earlier
    }

    static func historyCSV(_ history: [EpochRecord]) -> String {
        var lines = ["epoch,learning_rate,train_loss,train_accuracy,val_loss,val_accuracy,val_auc"]
        for r in history {
            lines.append("\(r.epoch + 1),\(r.learningRate),\(r.trainLoss),\(r.trainAccuracy),\(r.validationLoss),\(r.validationAccuracy),\(r.validationAUC)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
