/// How console lines name a run: `<dataset>/<cache stem>/<arch> seed <S> lr <LR>[ fold <k>/<K>]`, the settings
/// a sweep grid or a cross-validation varies, so interleaved lines of heads trained at once can be told apart.
extension TrainingRequest {
    public var runLabel: String {
        "\(dataset)/\(cacheStem)/\(architecture) seed \(seed) lr \(LineChart.label(learningRate))"
            + (fold.map { " fold \($0.index)/\($0.count)" } ?? "")
    }
}
