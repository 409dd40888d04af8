import Foundation

/// A progress line on stderr for long runs: done/total, a rate, and an ETA.
/// On a terminal it rewrites one line; in a log (not a tty) it prints a line at most every `logInterval`.
public struct ProgressLine: Sendable {
    public let label: String
    public let total: Int
    public let unit: String
    private let start = Date()
    private var lastPrint = Date.distantPast
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private let logInterval: TimeInterval

    public init(label: String, total: Int, unit: String, logInterval: TimeInterval = 10) {
        self.label = label
        self.total = total
        self.unit = unit
        self.logInterval = logInterval
    }

    public var elapsed: TimeInterval { Date().timeIntervalSince(start) }

    /// `done` of `total` finished; `work` units (e.g. frames) processed so far for the rate.
    public mutating func update(done: Int, work: Int, force: Bool = false) {
        let now = Date()
        guard force || now.timeIntervalSince(lastPrint) >= (isTerminal ? 0.2 : logInterval) else { return }
        lastPrint = now
        let seconds = max(elapsed, 1e-6)
        let rate = Double(work) / seconds
        let remaining = done > 0 ? seconds / Double(done) * Double(total - done) : .nan
        let line = String(format: "%@ %d/%d, %.1f %@/s, ETA %@", label, done, total, rate, unit,
                          ProgressLine.clock(remaining))
        FileHandle.standardError.write(Data(((isTerminal ? "\r\u{1B}[K" : "") + line + (isTerminal ? "" : "\n")).utf8))
    }

    /// Ends the rewritten terminal line so the summary starts on its own.
    public func finish() {
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "--:--" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%02d:%02d", s / 60, s % 60)
    }
}

/// One line on stderr: warnings, skipped inputs, notes.
public func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
