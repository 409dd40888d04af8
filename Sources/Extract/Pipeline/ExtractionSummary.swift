import Foundation

/// What one `extract` run did, printed as the closing line.
public struct ExtractionSummary: Sendable {
    public var cacheURL: URL
    public var videosInDataset: Int
    public var videosExtracted: Int
    public var videosReused: Int
    public var framesEmbedded: Int
    public var failures: Int
    public var seconds: Double
    public var upToDate: Bool

    public var line: String {
        if upToDate {
            return "extract: \(cacheURL.path) is up to date (\(videosInDataset) videos); nothing to do"
        }
        return String(format: "extract: %d videos (%d extracted, %d reused), %d frames embedded, %d failures, %.1f s -> %@",
                      videosInDataset, videosExtracted, videosReused, framesEmbedded, failures, seconds, cacheURL.path)
    }
}
