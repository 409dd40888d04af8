import Shared

/// Which shard this process extracts: `--shard I/N`, else a Slurm job array's task, else a Kubernetes
/// Indexed Job's completion index with `--shard-count N`; nil when none applies (the whole dataset).
public enum ShardSelection {
    /// The environment variables read, in the order they are tried.
    public enum Variable {
        public static let slurmTaskID = "SLURM_ARRAY_TASK_ID"
        public static let slurmTaskCount = "SLURM_ARRAY_TASK_COUNT"
        /// Arrays numbered from another first index (`--array=1-8`) count shards from it.
        public static let slurmTaskMin = "SLURM_ARRAY_TASK_MIN"
        /// With MIN and COUNT, tells a stepped or gapped array (`--array=0-6:2`) from a consecutive one.
        public static let slurmTaskMax = "SLURM_ARRAY_TASK_MAX"
        public static let jobCompletionIndex = "JOB_COMPLETION_INDEX"
    }

    public static func resolve(flag: String?, shardCount: Int?, environment: [String: String]) throws -> ShardSpec? {
        if let flag {
            let shard = try ShardSpec.parse(flag)
            if let shardCount, shardCount != shard.count {
                throw PipelineError("--shard \(flag) and --shard-count \(shardCount) disagree: give one of them, or the same count")
            }
            return shard
        }
        if let id = environment[Variable.slurmTaskID] {
            return try fromSlurm(id: id, environment: environment, shardCount: shardCount)
        }
        guard let shardCount else { return nil }
        guard let index = environment[Variable.jobCompletionIndex] else {
            throw PipelineError("--shard-count \(shardCount) needs the shard's index: set JOB_COMPLETION_INDEX (a Kubernetes Indexed Job does) or give --shard I/\(shardCount)")
        }
        guard let value = Int(index) else {
            throw PipelineError("\(Variable.jobCompletionIndex)='\(index)' is not a whole number")
        }
        return try ShardSpec(index: value, count: shardCount)
    }

    private static func fromSlurm(id: String, environment: [String: String], shardCount: Int?) throws -> ShardSpec {
        typealias Name = Variable
        guard let taskID = Int(id) else { throw PipelineError("\(Name.slurmTaskID)='\(id)' is not a whole number") }
        guard let countText = environment[Name.slurmTaskCount], let count = Int(countText) else {
            throw PipelineError("\(Name.slurmTaskID) is set but \(Name.slurmTaskCount) is \(environment[Name.slurmTaskCount].map { "'\($0)'" } ?? "missing"): run inside a Slurm job array (sbatch --array=0-N) or give --shard I/N")
        }
        if let shardCount, shardCount != count {
            throw PipelineError("--shard-count \(shardCount) disagrees with \(Name.slurmTaskCount)=\(count)")
        }
        let first = Int(environment[Name.slurmTaskMin] ?? "0") ?? 0
        let last = Int(environment[Name.slurmTaskMax] ?? "") ?? first + count - 1
        guard last - first == count - 1, taskID - first >= 0, taskID - first < count else {
            throw PipelineError("\(Name.slurmTaskID)=\(taskID) is not one of \(count) consecutive tasks from \(first) (tasks \(first)..\(last)): use a job array without steps or gaps (sbatch --array=0-\(count - 1)) or give --shard I/N")
        }
        return try ShardSpec(index: taskID - first, count: count)
    }
}
