/// The two suppressions MTCNN uses, each as facenet-pytorch calls it.
enum NonMaximumSuppression {
    /// torchvision.ops.nms (what batched_nms runs per image): highest score first (a stable sort, ties in input
    /// order), dropping every later box whose IoU with a kept one exceeds `threshold`; areas and overlaps without
    /// +1, in float32, compared with the double threshold. Returns the kept boxes, highest score first.
    static func union(_ boxes: [CandidateBox], threshold: Double) -> [CandidateBox] {
        let order = boxes.indices.sorted { boxes[$0].score > boxes[$1].score || (boxes[$0].score == boxes[$1].score && $0 < $1) }
        let areas = boxes.map { ($0.x2 - $0.x1) * ($0.y2 - $0.y1) }
        var suppressed = [Bool](repeating: false, count: boxes.count)
        var kept: [CandidateBox] = []
        for (position, i) in order.enumerated() where !suppressed[i] {
            kept.append(boxes[i])
            let box = boxes[i]
            for j in order[(position + 1)...] where !suppressed[j] {
                let other = boxes[j]
                let width = max(0, min(box.x2, other.x2) - max(box.x1, other.x1))
                let height = max(0, min(box.y2, other.y2) - max(box.y1, other.y1))
                let intersection = width * height
                let overlap = intersection / (areas[i] + areas[j] - intersection)
                if Double(overlap) > threshold { suppressed[j] = true }
            }
        }
        return kept
    }

    /// facenet-pytorch's nms_numpy with method 'Min': areas and overlaps with +1 (pixel-inclusive), overlap as
    /// intersection over the smaller area, a box kept while that overlap is <= threshold (float32).
    /// Highest score first; among equal scores the later box first (numpy's argsort, taken from the end).
    static func minimum(_ boxes: [CandidateBox], threshold: Float) -> [CandidateBox] {
        var remaining = boxes.indices.sorted { boxes[$0].score < boxes[$1].score || (boxes[$0].score == boxes[$1].score && $0 < $1) }
        let areas = boxes.map { ($0.x2 - $0.x1 + 1) * ($0.y2 - $0.y1 + 1) }
        var kept: [CandidateBox] = []
        while let i = remaining.popLast() {
            kept.append(boxes[i])
            let box = boxes[i]
            remaining.removeAll { j in
                let other = boxes[j]
                let width = max(0, min(box.x2, other.x2) - max(box.x1, other.x1) + 1)
                let height = max(0, min(box.y2, other.y2) - max(box.y1, other.y1) + 1)
                let overlap = width * height / min(areas[i], areas[j])
                return !(overlap <= threshold)
            }
        }
        return kept
    }
}
