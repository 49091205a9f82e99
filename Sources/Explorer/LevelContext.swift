import Synchronization

/// What every worker of one BFS level reads, and the signals they raise.
@usableFromInline final class LevelContext<M: StateMachine>: @unchecked Sendable {
    @usableFromInline let table: SharedFingerprintTable
    /// The level's states; state `i` has id `firstID + i` in the parent links.
    @usableFromInline let level: FrontierView<M.State>
    @usableFromInline let firstID: UInt32
    /// Whether new states are kept for the next level (not at the model's depth).
    @usableFromInline let enqueue: Bool
    /// Goals not reached at an earlier level, by index into the model's goals.
    @usableFromInline let pendingGoals: [Int]
    @usableFromInline let limits: SearchLimits
    @usableFromInline let maxStates: Int
    @usableFromInline let start: ContinuousClock.Instant
    @usableFromInline let depth: Int
    @usableFromInline let onProgress: (@Sendable (Progress) -> Void)?
    /// Whether the level is expanded with sleep sets (its packed states carry them).
    @usableFromInline var sleepSets = false
    /// The states of the level whose sleep sets are void (ascending): a second edge of the level
    /// before reached them, and their sleep set must be the intersection of both edges'.
    @usableFromInline var voidSleep: [Int] = []

    /// The lowest invariant index violated so far at this level: workers then check only the
    /// invariants before it, since only those could change the verdict.
    @usableFromInline let bestViolation = Atomic<Int>(.max)
    /// Set to end the level at once (a limit, an interrupt, or the first invariant broken).
    @usableFromInline let halted = Atomic<Bool>(false)
    @usableFromInline let stopReason = Mutex<String?>(nil)

    @usableFromInline init(table: SharedFingerprintTable, level: FrontierView<M.State>, firstID: UInt32,
                           enqueue: Bool, pendingGoals: [Int], limits: SearchLimits, start: ContinuousClock.Instant,
                           depth: Int, onProgress: (@Sendable (Progress) -> Void)?) {
        self.table = table
        self.level = level
        self.firstID = firstID
        self.enqueue = enqueue
        self.pendingGoals = pendingGoals
        self.limits = limits
        self.maxStates = limits.maxStates ?? .max
        self.start = start
        self.depth = depth
        self.onProgress = onProgress
    }

    /// Whether state `i` of the level has a void sleep set.
    @inlinable func sleepIsVoid(_ i: Int) -> Bool { voidSleep.sortedContains(i) }

    /// Ends the level because the search must stop (`reason` is why).
    @inlinable func stop(_ reason: String, _ round: LevelRound) {
        stopReason.withLock { if $0 == nil { $0 = reason } }
        halt(round)
    }

    @inlinable func halt(_ round: LevelRound) {
        halted.store(true, ordering: .relaxed)
        round.pause.store(true, ordering: .relaxed)
    }

    /// Records that invariant `index` was broken at this level.
    @inlinable func lowerBestViolation(to index: Int) {
        var current = bestViolation.load(ordering: .relaxed)
        while index < current {
            let (done, seen) = bestViolation.compareExchange(expected: current, desired: index, ordering: .relaxed)
            if done { return }
            current = seen
        }
    }
}

/// One worker's share of a level: the new states it found, their parent links, and what broke.
@usableFromInline final class LevelOutput<State>: @unchecked Sendable {
    @usableFromInline var states: [State] = []
    /// The new states, packed, for a model that encodes them.
    @usableFromInline var packed = PackedStates()
    /// Parent links of the new states, kept only when they are enqueued (states of the last level
    /// are parents of nothing: a violation or goal there records its own parent and action).
    @usableFromInline var parents: [UInt32] = []
    @usableFromInline var actions: [UInt32] = []
    /// New states found at this level (enqueued or not).
    @usableFromInline var newStates = 0
    /// Broken invariants: the invariant's index, the state's fingerprint, and the step to it
    /// (the parent's id and the action's position).
    @usableFromInline var violations: [(property: Int, fingerprint: UInt64, parent: UInt32, position: UInt32)] = []
    /// Goals reached: the goal's index and the step to the state.
    @usableFromInline var goals: [(goal: Int, parent: UInt32, position: UInt32)] = []
    @usableFromInline var transitions = 0
    /// Transitions whose successor is the state itself.
    @usableFromInline var selfLoops = 0
    /// Actions left asleep (not taken) with sleep sets.
    @usableFromInline var pruned = 0
    /// With sleep sets: the new states that carry a non-empty sleep set (fingerprint, index in
    /// `packed`), and the fingerprints of successors that were already visited.
    @usableFromInline var sleepy: [(fingerprint: UInt64, index: Int)] = []
    @usableFromInline var duplicates: [UInt64] = []
    @usableFromInline var maxActions = 0
    /// New states inserted in the current round (the table's count is settled between rounds).
    @usableFromInline var inserted = 0
    /// Folds in the slots read ahead, so that the compiler keeps those loads.
    @usableFromInline var sink: UInt64 = 0

    @usableFromInline init() {}

    /// Clears the output for the next level; the packed states were handed to the frontier.
    @usableFromInline func reset() {
        states.removeAll(keepingCapacity: true)
        packed = PackedStates()
        parents.removeAll(keepingCapacity: true)
        actions.removeAll(keepingCapacity: true)
        violations.removeAll()
        goals.removeAll()
        newStates = 0
        transitions = 0
        selfLoops = 0
        pruned = 0
        sleepy.removeAll()
        duplicates.removeAll()
    }
}
