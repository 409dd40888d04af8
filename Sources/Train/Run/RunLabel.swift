/// How console lines name a run: `<dataset>/<cache stem>/<arch> seed <S> lr <LR>`, the settings a sweep grid
/// varies, so interleaved lines of heads trained at once can be told apart.
extension TrainingRequest {
    public var runLabel: String {
        "\(dataset)/\(cacheStem)/\(architecture) seed \(seed) lr \(LineChart.label(learningRate))"
    }
}
