/// Finds the parameter-name -> tensor mapping inside whatever object was saved:
/// a state_dict itself, or a training checkpoint dict holding one under 'state_dict' or 'model'.
enum StateDict {
    static func tensorReferences(in saved: PickleValue) throws -> [String: TensorReference] {
        guard case .dict(let dict) = saved else {
            throw CheckpointFormatProblem("the saved object is a \(saved.typeName), not a state_dict (a pickled nn.Module needs its class code to load)")
        }
        for wrapperKey in ["state_dict", "model", "model_state_dict", "net"] {
            if let inner = dict.value(forKey: wrapperKey) {
                if case .dict = inner { return try tensorReferences(in: inner) }
                throw CheckpointFormatProblem("the checkpoint's '\(wrapperKey)' entry is a \(inner.typeName), not a state_dict")
            }
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
