/// Problems with a dataset folder, each naming the path and what to do about it.
public enum DatasetError: DiagnosedError {
    case missingFolder(String)
    case noLayout(String)
    case empty(String)
    case badLabelsLine(file: String, line: Int, reason: String)
    case missingListedVideo(file: String, line: Int, path: String)
    case duplicateListedVideo(file: String, line: Int, path: String, firstLine: Int, firstPath: String, conflict: String?)
    case sameFileTwice(first: String, second: String, file: String)
    case badTestListLine(file: String, line: Int, reason: String)
    case missingTestListVideo(file: String, line: Int, path: String)
    case unknownMethod(String, known: [String])
    case missingMethod(String, path: String)
    case unknownCompression(String)
    case missingCompression(path: String, compression: String, present: [String])
    case ambiguousCompression(root: String, present: [String])
    case noSequences(root: String, reason: String)

    public var description: String {
        switch self {
        case .missingFolder(let path):
            return "dataset folder \(path) does not exist: put the videos there, or pass --data-dir (DATA_DIR=) to point at the folder that holds it"
        case .noLayout(let path):
            return "dataset folder \(path) has no known layout: add labels.csv or real/ and fake/ sub-folders, or unpack Celeb-DF (Celeb-real/, Celeb-synthesis/) or FaceForensics++/DFD (original_sequences/, manipulated_sequences/) there as downloaded (see docs/datasets.md)"
        case .empty(let path):
            return "dataset \(path) holds no video files (looked for \(VideoFileTypes.extensions.sorted().joined(separator: ", "))): add videos or fix the path"
        case .badLabelsLine(let file, let line, let reason):
            return "\(file):\(line): \(reason); expected columns path,label[,split] with label 0/1 or real/fake and split train/val/test"
        case .missingListedVideo(let file, let line, let path):
            return "\(file):\(line): lists \(path), which does not exist under the dataset folder: fix the path or remove the line"
        case .duplicateListedVideo(let file, let line, let path, let firstLine, let firstPath, let conflict):
            let what = conflict.map { "with a different \($0)" } ?? "again"
            return "\(file):\(line): '\(path)' is the file of line \(firstLine) ('\(firstPath)') listed \(what): one video cached twice leaks between splits; keep one line per video"
        case .sameFileTwice(let first, let second, let file):
            return "\(first) and \(second) resolve to the same file (\(file)): one video listed twice leaks between splits; remove one of them"
        case .badTestListLine(let file, let line, let reason):
            return "\(file):\(line): \(reason); expected '<label> <folder>/<file>' with Celeb-DF's labels 1 = real, 0 = fake (e.g. '1 YouTube-real/00170.mp4')"
        case .missingTestListVideo(let file, let line, let path):
            return "\(file):\(line): lists \(path), which is not in the dataset folder: the test list and the videos must come from the same Celeb-DF version (v1 and v2 lists differ); unpack the missing videos or use that version's list"
        case .unknownMethod(let name, let known):
            return "unknown manipulation method '\(name)': choose from \(known.joined(separator: ", ")) (any case), or the dataset names FF++ and DFD"
        case .missingMethod(let name, let path):
            return "method \(name) was asked for, but \(path) does not exist: download it, or drop it from the methods"
        case .unknownCompression(let value):
            return "unknown compression '\(value)': choose c0 (alias raw), c23 or c40"
        case .missingCompression(let path, let compression, let present):
            let others = present.isEmpty ? "none" : present.joined(separator: ", ")
            return "\(path) does not exist: download \(compression) for it, or choose a compression it has (present: \(others))"
        case .ambiguousCompression(let root, let present):
            return "\(root) holds several compressions (\(present.joined(separator: ", "))) and no c23: choose one with the compression option"
        case .noSequences(let root, let reason):
            return "\(root): \(reason): unpack original_sequences/ and manipulated_sequences/ as downloaded by FaceForensics++'s download script"
        }
    }
}
