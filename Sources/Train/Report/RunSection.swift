import Foundation

/// One run's section of report.html: its scores, split sizes, the cache and training settings it was made
/// with, the test confusion matrix at the validation threshold, and its two pictures.
enum RunSection {
    static func html(row: LeaderboardRow, metrics: RunMetrics?) -> String {
        let e = ResultsReport.escape
        var html = """
        <section id="\(ResultsReport.anchor(row.runDirectory))"><h2>\(e(row.runDirectory))</h2>
        <p>val AUC \(String(format: "%.3f", row.valAUC)), test AUC \(Leaderboard.withInterval(row.testAUC, row.testAUCInterval)), test accuracy \(Leaderboard.withInterval(row.testAccuracy, row.testAccuracyInterval))</p>

        """
        if let metrics {
            html += "<div class=\"facts\">" + facts(metrics) + (metrics.testConfusionAtValThreshold.map(confusion) ?? "") + "</div>\n"
        }
        html += """
        <img src="\(e(row.runDirectory))/learning_curves.svg" alt="learning curves">
        <img src="\(e(row.runDirectory))/roc_test.svg" alt="test ROC"></section>

        """
        return html
    }

    /// "28 (14 real, 14 fake)", or the count alone for runs written before class counts were kept.
    static func size(_ split: RunMetrics.SplitScores) -> String {
        guard let fakes = split.fakes else { return "\(split.videos)" }
        return "\(split.videos) (\(split.videos - fakes) real, \(fakes) fake)"
    }

    static func facts(_ m: RunMetrics) -> String {
        let r = m.request, s = m.settings
        func short(_ hash: String?) -> String { hash.map { String($0.prefix(12)) } ?? "not recorded" }
        var rows: [(String, String)] = [
            ("videos", "train \(size(m.train)), val \(size(m.validation)), test \(size(m.test))"),
            ("cache", "\(r.backbone) (weights \(short(s?.weightsSHA256))), \(r.frames) frames, crop \(s?.crop ?? r.crop), sampling \(s?.sampling ?? "not recorded"), fingerprint \(short(m.cacheFingerprint))"),
            ("training", "lr \(LineChart.label(r.learningRate)), batch \(r.batchSize), schedule \(r.schedule), weight decay \(LineChart.label(r.weightDecay)), patience \(r.patience), standardize \(r.standardize ? "yes" : "no")"),
            ("epochs", "best \(m.bestEpoch) of \(m.epochsRun) run (max \(r.epochs))\(m.stoppedEarly ? ", stopped early" : ""), \(String(format: "%.1f", m.trainSeconds)) s, \(m.parameterCount) parameters"),
        ]
        if let s {
            rows.append(("class weights", r.balanceClasses
                ? String(format: "real %.3f, fake %.3f", s.classWeightReal, s.classWeightFake) : "off (1 and 1)"))
        }
        rows.append(("seed", "\(r.seed) (split and initialization)"))
        return "<table class=\"settings\">" + rows.map { "<tr><th>\($0.0)</th><td>\(ResultsReport.escape($0.1))</td></tr>" }.joined() + "</table>"
    }

    /// Rows are the truth, columns the call, as the test split scores at the validation threshold.
    static func confusion(_ c: RunMetrics.Confusion) -> String {
        """
        <table class="confusion"><caption>test split at val threshold \(String(format: "%.3g", c.threshold)) (\(c.total) videos)</caption>
        <tr><th></th><th>called real</th><th>called fake</th></tr>
        <tr><th>real</th><td>\(c.trueNegatives)</td><td>\(c.falsePositives)</td></tr>
        <tr><th>fake</th><td>\(c.falseNegatives)</td><td>\(c.truePositives)</td></tr></table>
        """
    }
}
