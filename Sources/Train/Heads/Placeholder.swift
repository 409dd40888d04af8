import Shared
/// Stage 2 lands with its own issue; this keeps the target building.
public enum TrainStage {}
