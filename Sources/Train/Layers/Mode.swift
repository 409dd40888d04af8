/// Training mode enables dropout and batch statistics; inference uses running statistics and no dropout.
public enum Mode: Sendable { case training, inference }
