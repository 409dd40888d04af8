/// Problems with a dataset folder, each naming the path and what to do about it.
public enum DatasetError: DiagnosedError {
    case missingFolder(String)
    case noLayout(String)
    case empty(String)
    case badLabelsLine(file: String, line: Int, reason: String)
    case missingListedVideo(file: String, line: Int, path: String)

    public var description: String {
        switch self {
        case .missingFolder(let path):
            return "dataset folder \(path) does not exist: put the videos there, or pass --data-dir (DATA_DIR=) to point at the folder that holds it"
        case .noLayout(let path):
            return "dataset folder \(path) has neither labels.csv nor real/ and fake/ sub-folders: add one of them (see README, 'Dataset layouts')"
        case .empty(let path):
            return "dataset \(path) holds no video files (looked for \(VideoFileTypes.extensions.sorted().joined(separator: ", "))): add videos or fix the path"
        case .badLabelsLine(let file, let line, let reason):
            return "\(file):\(line): \(reason); expected columns path,label[,split] with label 0/1 or real/fake and split train/val/test"
        case .missingListedVideo(let file, let line, let path):
            return "\(file):\(line): lists \(path), which does not exist under the dataset folder: fix the path or remove the line"
        }
    }
}
