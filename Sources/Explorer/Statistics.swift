/// What a search did, in the figures `SPEC.md` §3 reports.
public struct Statistics: Sendable, Equatable {
    public var distinctStates = 0
    public var transitions = 0
    /// Transitions that left the state unchanged (BFS counts them; most are failing operations).
    public var selfLoops = 0
    /// Actions sleep sets did not take (`SearchLimits.sleepSets`): with `transitions`, the
    /// transitions of the plain search.
    public var prunedTransitions = 0
    /// Deepest level reached (operations from an initial state).
    public var maxDepth = 0
    public var seconds = 0.0
    public var workers = 1
    /// Bytes of the visited set, and its slots (the final load is states / slots).
    public var visitedBytes = 0
    public var visitedSlots = 0
    /// Bytes of the parent links kept for traces.
    public var traceBytes = 0
    /// Bytes of the largest level held for expansion (packed states; 0 when the model does not
    /// encode its states, whose values the explorer cannot size).
    public var peakFrontierBytes = 0

    @inlinable public init() {}

    public var statesPerSecond: Double { seconds > 0 ? Double(distinctStates) / seconds : 0 }
    public var transitionsPerSecond: Double { seconds > 0 ? Double(transitions) / seconds : 0 }
    /// Transitions that changed the state, per second.
    public var changingTransitionsPerSecond: Double { seconds > 0 ? Double(transitions - selfLoops) / seconds : 0 }
    /// How full the visited set ended: states over slots.
    public var visitedLoad: Double { visitedSlots > 0 ? Double(distinctStates) / Double(visitedSlots) : 0 }
    public var visitedBytesPerState: Double { distinctStates > 0 ? Double(visitedBytes) / Double(distinctStates) : 0 }
    public var traceBytesPerState: Double { distinctStates > 0 ? Double(traceBytes) / Double(distinctStates) : 0 }
    public var frontierBytesPerState: Double { distinctStates > 0 ? Double(peakFrontierBytes) / Double(distinctStates) : 0 }
    /// Every byte the search keeps per state, divided by distinct states.
    public var bytesPerState: Double {
        distinctStates > 0 ? Double(visitedBytes + traceBytes) / Double(distinctStates) : 0
    }

    /// TLC's estimate of the chance that a fingerprint collision hid a state:
    /// distinct × (generated − distinct) / 2^64.
    public var collisionProbability: Double {
        Double(distinctStates) * Double(max(0, transitions - distinctStates)) / 18_446_744_073_709_551_616.0
    }
}

/// Where a search stands, for progress lines.
public struct Progress: Sendable {
    public var distinctStates: Int
    public var queue: Int
    public var depth: Int
    public var seconds: Double

    @inlinable public init(distinctStates: Int, queue: Int, depth: Int, seconds: Double) {
        self.distinctStates = distinctStates
        self.queue = queue
        self.depth = depth
        self.seconds = seconds
    }
}

extension Statistics {
    /// Fills in the figures a breadth-first search reports when it ends.
    @inlinable public mutating func close(visited: SharedFingerprintTable, links: ParentLinks, since start: ContinuousClock.Instant,
                                          _ clock: ContinuousClock) {
        distinctStates = visited.count
        visitedBytes = visited.bytes
        visitedSlots = visited.capacity
        traceBytes = links.bytes
        seconds = (clock.now - start).inSeconds
    }
}
