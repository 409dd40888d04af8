import Foundation
import Shared

/// The folder of one run, `results/<DATA>/<backbone>_f<FRAMES>/<ARCH>[_runN]/`:
/// model.h5, request.json, history.csv, metrics.json, learning_curves.svg, roc_test.svg.
/// Written into `<folder>.partial` and renamed at the end, so a folder that exists is complete.
public enum RunFolder {
    public static func datasetResults(_ resultsDirectory: URL, dataset: String) -> URL {
        resultsDirectory.appendingPathComponent(dataset, isDirectory: true)
    }

    /// The folder holding an identical earlier run, if any, else the first free name for a new one.
    public static func locate(_ request: TrainingRequest, resultsDirectory: URL) -> (url: URL, existing: Bool) {
        let parent = datasetResults(resultsDirectory, dataset: request.dataset).appendingPathComponent(request.cacheStem)
        let name = request.architecture.replacingOccurrences(of: "/", with: "_")
        for attempt in 1... {
            let url = parent.appendingPathComponent(attempt == 1 ? name : "\(name)_run\(attempt)", isDirectory: true)
            guard FileManager.default.fileExists(atPath: url.path) else { return (url, false) }
            if let earlier = try? readMetrics(url), earlier.request == request { return (url, true) }
        }
        fatalError("unreachable")
    }

    public static func readMetrics(_ folder: URL) throws -> RunMetrics {
        let data = try Data(contentsOf: folder.appendingPathComponent("metrics.json"))
        return try JSONDecoder().decode(RunMetrics.self, from: data)
    }

    static func write(to folder: URL, model: ModelFile, metrics: RunMetrics, history: [EpochRecord],
                      testROC: [Metrics.ROCPoint]) throws {
        let partial = folder.deletingLastPathComponent().appendingPathComponent(folder.lastPathComponent + ".partial")
        try? FileManager.default.removeItem(at: partial)
        try FileManager.default.createDirectory(at: partial, withIntermediateDirectories: true)
        try model.write(to: partial.appendingPathComponent("model.h5"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(metrics.request).write(to: partial.appendingPathComponent("request.json"))
        try encoder.encode(metrics).write(to: partial.appendingPathComponent("metrics.json"))
        try historyCSV(history).write(to: partial.appendingPathComponent("history.csv"), atomically: true, encoding: .utf8)
        try RunPlots.learningCurves(history, title: metrics.request.architecture)
            .write(to: partial.appendingPathComponent("learning_curves.svg"), atomically: true, encoding: .utf8)
        try RunPlots.roc(testROC, auc: metrics.test.auc, title: "test ROC, \(metrics.request.architecture)")
            .write(to: partial.appendingPathComponent("roc_test.svg"), atomically: true, encoding: .utf8)
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.moveItem(at: partial, to: folder)
    }

    static func historyCSV(_ history: [EpochRecord]) -> String {
        var lines = ["epoch,learning_rate,train_loss,train_accuracy,val_loss,val_accuracy,val_auc"]
        for r in history {
            lines.append("\(r.epoch + 1),\(r.learningRate),\(r.trainLoss),\(r.trainAccuracy),\(r.validationLoss),\(r.validationAccuracy),\(r.validationAUC)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
