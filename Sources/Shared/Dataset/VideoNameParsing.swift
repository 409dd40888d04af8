/// Reads identity ids out of the official file names of Celeb-DF, FaceForensics++ and DFD.
/// Each parser returns the ids a video shows (1 for an original, target and source for a fake), or nil
/// when the name does not follow the convention.
enum VideoNameParsing {
    /// File name without its extension.
    static func stem(_ fileName: String) -> String {
        guard let dot = fileName.lastIndex(of: ".") else { return fileName }
        return String(fileName[..<dot])
    }

    static func isDigits(_ text: Substring) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// `id<N>` as used by Celeb-DF.
    static func celebrity(_ text: Substring) -> String? {
        guard text.hasPrefix("id"), isDigits(text.dropFirst(2)) else { return nil }
        return "celeb:" + text
    }

    /// Celeb-real `id<N>_<NNNN>` -> [celeb:idN].
    static func celebReal(_ fileName: String) -> [String]? {
        let parts = stem(fileName).split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 2, let id = celebrity(parts[0]), isDigits(parts[1]) else { return nil }
        return [id]
    }

    /// Celeb-synthesis `id<T>_id<S>_<NNNN>` -> [celeb:idT, celeb:idS].
    static func celebSynthesis(_ fileName: String) -> [String]? {
        let parts = stem(fileName).split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, let target = celebrity(parts[0]), let source = celebrity(parts[1]),
              isDigits(parts[2]) else { return nil }
        return [target, source]
    }

    /// YouTube-real `<NNNNN>`: an unknown person per video, so each is its own identity.
    static func youtubeReal(_ fileName: String) -> [String]? {
        let name = stem(fileName)
        return isDigits(Substring(name)) ? ["youtube-real:" + name] : nil
    }

    /// FF++ original `NNN` -> [ffpp:NNN].
    static func ffppOriginal(_ fileName: String) -> [String]? {
        let name = stem(fileName)
        return isDigits(Substring(name)) ? ["ffpp:" + name] : nil
    }

    /// FF++ fake `<target>_<source>` -> [ffpp:target, ffpp:source].
    static func ffppFake(_ fileName: String) -> [String]? {
        let parts = stem(fileName).split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 2, isDigits(parts[0]), isDigits(parts[1]) else { return nil }
        return ["ffpp:" + parts[0], "ffpp:" + parts[1]]
    }

    /// DFD actors original `<AA>__<scene>` -> [dfd:AA].
    static func dfdOriginal(_ fileName: String) -> [String]? {
        let parts = stem(fileName).components(separatedBy: "__")
        guard parts.count == 2, isDigits(Substring(parts[0])), !parts[1].isEmpty else { return nil }
        return ["dfd:" + parts[0]]
    }

    /// DFD fake `<AA>_<BB>__<scene>__<8-character id>` -> [dfd:AA, dfd:BB]; the id is letters and digits
    /// (e.g. YVGY8LOK), so not only hex.
    static func dfdFake(_ fileName: String) -> [String]? {
        let parts = stem(fileName).components(separatedBy: "__")
        guard parts.count == 3, !parts[1].isEmpty, parts[2].count == 8,
              parts[2].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return nil }
        let actors = parts[0].split(separator: "_", omittingEmptySubsequences: false)
        guard actors.count == 2, isDigits(actors[0]), isDigits(actors[1]) else { return nil }
        return ["dfd:" + actors[0], "dfd:" + actors[1]]
    }
}
