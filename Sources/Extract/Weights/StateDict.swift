/// Finds the parameter-name -> tensor mapping inside whatever object was saved:
/// a state_dict itself, or a training checkpoint dict holding one under 'state_dict' or 'model'.
enum StateDict {
    static let wrapperKeys = ["state_dict", "model", "model_state_dict", "net"]
    /// Wrappers followed before giving up; real checkpoints wrap once or twice.
    static let maxWrapping = 8

    static func tensorReferences(in saved: PickleValue) throws -> [String: TensorReference] {
        guard case .dict(var dict) = saved else {
            throw CheckpointFormatProblem("the saved object is a \(saved.typeName), not a state_dict (a pickled nn.Module needs its class code to load)")
        }
        // A loop, not recursion, with a bound: a hostile dict may wrap itself.
        var wrapping = 0
        while let (wrapperKey, inner) = wrapperKeys.lazy.compactMap({ key in dict.value(forKey: key).map { (key, $0) } }).first {
            guard case .dict(let innerDict) = inner else {
                throw CheckpointFormatProblem("the checkpoint's '\(wrapperKey)' entry is a \(inner.typeName), not a state_dict")
            }
            wrapping += 1
            guard wrapping <= maxWrapping, innerDict !== dict else {
                throw CheckpointFormatProblem("the checkpoint wraps its state_dict in '\(wrapperKey)' entries more than \(maxWrapping) deep, or in itself")
            }
            dict = innerDict
        }
        var tensors: [String: TensorReference] = [:]
        for (key, value) in dict.entries {
            // Non-tensor entries (epoch counters, optimizer settings) are not parameters.
            guard let name = key.stringValue, case .tensor(let tensor) = value else { continue }
            tensors[name] = tensor
        }
        guard !tensors.isEmpty else {
            let keys = dict.entries.prefix(8).map { $0.key.stringValue ?? $0.key.typeName }
            throw CheckpointFormatProblem("the saved dict holds no tensors (keys: \(keys.joined(separator: ", ")))")
        }
        return tensors
    }
}
