/// Bounds on a search. The model's own `depth` makes a search exhaustive when reached; the
/// others are command-line limits that end it `incomplete`.
public struct SearchLimits: Sendable {
    /// The model's depth: states at this depth are checked, not expanded.
    public var modelDepth: Int?
    public var maxDepth: Int?
    public var maxStates: Int?
    public var timeLimit: Duration?
    /// Pre-sizes the visited set.
    public var expectedStates: Int
    /// Stores the visited set in the lossless 6-byte quotient layout once it has 2^23 slots or
    /// more (`QuotientSlots`): a quarter less memory, at some cost in speed when the model's
    /// transitions are cheap enough for the table's cache misses to dominate.
    public var compactVisitedSet = false
    /// Prune with sleep sets (breadth-first only, for a model that encodes its states and names
    /// its actions' footprints): an action is not taken in a state when a commuting order already
    /// reached its successor at the same depth. Every state is still reached at its BFS depth, so
    /// verdicts, depth bounds and shortest counterexamples are those of the plain search; only
    /// the transitions taken (and the coverage counts) are fewer. See `BreadthFirstSearch+SleepSets`.
    public var sleepSets = false
    /// Save each finished level, and perhaps resume from a saved one (`CheckpointPlan`).
    public var checkpoint: CheckpointPlan?
    /// Polled between transitions (with the time limit): true ends the search `incomplete`
    /// (the command line sets it on SIGINT).
    public var shouldStop: (@Sendable () -> Bool)?

    public init(modelDepth: Int? = nil, maxDepth: Int? = nil, maxStates: Int? = nil, timeLimit: Duration? = nil, expectedStates: Int = 1 << 12) {
        self.modelDepth = modelDepth
        self.maxDepth = maxDepth
        self.maxStates = maxStates
        self.timeLimit = timeLimit
        self.expectedStates = expectedStates
    }
}

/// How a search ended.
public enum Verdict: Sendable, Equatable {
    /// Every state within the model's depth was checked and every invariant held.
    case holds
    /// An invariant failed; the trace is the shortest (BFS).
    case violation(property: String)
    /// A limit stopped the search first.
    case incomplete(reason: String)
}

/// The outcome of a search: the verdict, the counterexample, the witnesses of the goals reached,
/// and the statistics.
public struct SearchResult<M: StateMachine>: Sendable {
    public var verdict: Verdict
    public var counterexample: Trace<M>?
    /// Each `sometimes` property reached, with its shortest witness.
    public var witnesses: [String: Trace<M>]
    public var statistics: Statistics

    @inlinable public init(verdict: Verdict, counterexample: Trace<M>?, witnesses: [String: Trace<M>], statistics: Statistics) {
        self.verdict = verdict
        self.counterexample = counterexample
        self.witnesses = witnesses
        self.statistics = statistics
    }
}

extension SearchLimits {
    /// Why the search must stop now (time limit or an interrupt), if it must.
    @inlinable public func stopReason(since start: ContinuousClock.Instant, _ clock: ContinuousClock) -> String? {
        if let shouldStop, shouldStop() { return "interrupted" }
        if let timeLimit, clock.now - start >= timeLimit { return "--time-limit reached" }
        return nil
    }
}
