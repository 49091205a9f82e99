import Dispatch
import Synchronization

/// Breadth-first search, level by level, with one or more workers, so the first violation found
/// has a shortest trace. The workers of a level insert into one shared visited set of
/// fingerprints (`SharedFingerprintTable`); each keeps its own new states and parent links, which
/// are joined when the level ends. Traces come from the parent links by replay.
///
/// What does not depend on the number of workers: the distinct states of an exhaustive run, and
/// on any run not stopped by a limit the verdict (which invariant, when several break at the same
/// depth: the first in the model's order) and the trace's length. Which of several shortest
/// traces is printed may differ between runs with more than one worker.
public struct BreadthFirstSearch<M: StateMachine>: Sendable {
    public let model: M
    public var limits: SearchLimits
    public var workers: Int
    /// Called every few thousand states by one worker (the caller decides whether to print).
    public var onProgress: (@Sendable (Progress) -> Void)?

    /// One model per worker (`StateMachine.replica`).
    @usableFromInline let replicas: [M]

    public init(model: M, limits: SearchLimits = SearchLimits(), workers: Int = 1,
                onProgress: (@Sendable (Progress) -> Void)? = nil) {
        self.model = model
        self.limits = limits
        self.workers = max(1, workers)
        self.onProgress = onProgress
        replicas = (0..<max(1, workers)).map { $0 == 0 ? model : model.replica() }
    }

    @inlinable
    public func run() -> SearchResult<M> {
        let clock = ContinuousClock()
        let start = clock.now
        var stats = Statistics()
        stats.workers = workers
        let resume = limits.checkpoint?.resume
        let table = SharedFingerprintTable(expected: max(limits.expectedStates, resume.map { $0.fingerprints.count + $0.ends.count } ?? 0),
                                           compact: limits.compactVisitedSet)
        var links = ParentLinks()
        // Seconds of the run a checkpoint was saved in, counted into this one's.
        var priorSeconds = 0.0
        var goalPaths: [(goal: Int, root: Int, steps: [Int])] = []
        let properties = model.properties
        let invariants = properties.filter { $0.kind == .always }
        let goals = properties.filter { $0.kind == .sometimes }
        var reached = [Bool](repeating: false, count: goals.count)
        var witnesses: [String: Trace<M>] = [:]

        func finish(_ verdict: Verdict, counterexample: Trace<M>? = nil) -> SearchResult<M> {
            stats.close(visited: table, links: links, since: start, clock)
            stats.seconds += priorSeconds
            return SearchResult(verdict: verdict, counterexample: counterexample, witnesses: witnesses, statistics: stats)
        }
        func trace(to id: UInt32) -> Trace<M>? { links.trace(to: id, in: model) }
        func reach(_ goal: Int, root: Int, steps: [Int]) {
            guard !reached[goal] else { return }
            reached[goal] = true
            goalPaths.append((goal, root, steps))
            witnesses[goals[goal].name] = Trace.replay(model, root: root, positions: steps)
        }

        var level = Frontier<M.State>()
        var firstID: UInt32 = 0
        var depth = 0
        var maxActions = 0
        if let resume {
            guard let restored = restore(resume, into: table) else {
                return finish(.incomplete(reason: "checkpoint: a saved state does not decode under this model"))
            }
            (links, level) = (restored.links, restored.level)
            (depth, firstID, maxActions, stats, priorSeconds) = (restored.at.depth, restored.at.firstID, restored.at.maxActions,
                                                                 restored.at.stats, restored.at.seconds)
            for g in restored.at.goalPaths where goals.indices.contains(g.goal) { reach(g.goal, root: g.root, steps: g.steps) }
        } else {
            for state in model.initialStates where table.insert(model.fingerprint(of: state)) {
                table.count += 1
                let id = links.addRoot()
                if let broken = invariants.first(where: { !$0.holds(state) }) {
                    return finish(.violation(property: broken.name), counterexample: trace(to: id))
                }
                for g in goals.indices where goals[g].holds(state) { reach(g, root: Int(id), steps: []) }
                level.values.append(state)
            }
        }
        /// Saves the level about to be expanded; a failure to write ends the search.
        func saveLevel() -> String? {
            guard let plan = limits.checkpoint else { return nil }
            let at = LevelCheckpoint(depth: depth, firstID: firstID, maxActions: maxActions, stats: stats,
                                     seconds: priorSeconds + (clock.now - start).inSeconds, goalPaths: goalPaths)
            return save(plan, at, table: table, links: links, level: level).map { "checkpoint: \($0)" }
        }
        if resume == nil, let failure = saveLevel() { return finish(.incomplete(reason: failure)) }

        let outputs = (0..<workers).map { _ in LevelOutput<M.State>() }
        // Sleep sets ride in the packed frontier, which a checkpoint does not save them in.
        let sleeps = limits.sleepSets && model.encodesStates && limits.checkpoint == nil
        var voidSleep: [Int] = []
        while !level.isEmpty {
            if let d = limits.modelDepth, depth >= d { break }
            if let d = limits.maxDepth, depth >= d { return finish(.incomplete(reason: "--max-depth \(d) reached")) }
            for out in outputs { out.reset() }
            stats.peakFrontierBytes = max(stats.peakFrontierBytes, level.bytes)
            let context: LevelContext<M> = level.withView { view in
                // The workers read the level through this view, only inside this closure.
                let context = LevelContext<M>(table: table, level: view, firstID: firstID,
                                              enqueue: limits.modelDepth.map { depth + 1 < $0 } ?? true,
                                              pendingGoals: goals.indices.filter { !reached[$0] }, limits: limits,
                                              start: start, depth: depth, onProgress: onProgress)
                context.sleepSets = sleeps
                context.voidSleep = voidSleep
                maxActions = expandLevel(context, outputs, maxActions: maxActions)
                return context
            }

            stats.transitions += outputs.reduce(0) { $0 + $1.transitions }
            stats.selfLoops += outputs.reduce(0) { $0 + $1.selfLoops }
            stats.prunedTransitions += outputs.reduce(0) { $0 + $1.pruned }
            if outputs.contains(where: { $0.newStates > 0 }) { stats.maxDepth = depth + 1 }

            // The verdict: the first invariant (in the model's order) broken at this depth, shown
            // on the state with the lowest fingerprint, so no worker's timing can change it.
            let broken = outputs.flatMap { $0.violations }.min { ($0.property, $0.fingerprint) < ($1.property, $1.fingerprint) }
            if let v = broken {
                return finish(.violation(property: invariants[v.property].name),
                              counterexample: links.trace(from: v.parent, position: v.position, in: model))
            }
            if let reason = context.stopReason.withLock({ $0 }) { return finish(.incomplete(reason: reason)) }
            for out in outputs {
                for (g, parent, position) in out.goals where !reached[g] {
                    let path = links.path(to: parent)
                    reach(g, root: path.root, steps: path.steps + [Int(position)])
                }
            }

            if sleeps { voidSleep = SleepSet.voided(outputs) }
            var next = Frontier<M.State>()
            next.values.reserveCapacity(outputs.reduce(0) { $0 + $1.states.count })
            let bases = outputs.map { links.take(parents: &$0.parents, actions: &$0.actions) }
            for out in outputs { next.append(values: out.states, packed: out.packed) }
            firstID = bases.first ?? 0
            level = next
            onProgress?(Progress(distinctStates: table.count, queue: level.count, depth: depth + 1, seconds: (clock.now - start).inSeconds))
            depth += 1
            // The last level is not saved: nothing is left to expand.
            if !level.isEmpty, let failure = saveLevel() { return finish(.incomplete(reason: failure)) }
        }
        return finish(.holds)
    }

    /// Runs the rounds of one level until it is expanded or halted; returns the largest number of
    /// actions seen in one state (which sizes the next rounds' insert budgets).
    @inlinable
    func expandLevel(_ context: LevelContext<M>, _ outputs: [LevelOutput<M.State>], maxActions: Int) -> Int {
        let table = context.table
        let count = context.level.count
        let pieceSize = max(1, min(512, count / (workers * 8)))
        var leftovers: [Range<Int>] = []
        var cursor = 0
        var maxActions = maxActions
        while !leftovers.isEmpty || cursor < count {
            if context.halted.load(ordering: .relaxed) { break }
            // Room for every worker to reserve a few blocks, and for the largest state seen.
            let roundMinimum = workers * max(2048, maxActions) * 4
            table.grow(toHold: roundMinimum)
            let budget = table.roundLimit - table.count
            let round = LevelRound(leftovers: leftovers, cursor: cursor, end: count, pieceSize: pieceSize, budget: budget)
            if workers == 1 {
                let properties = model.properties
                work(round, context, outputs[0], model: model, invariants: properties.filter { $0.kind == .always },
                     goals: properties.filter { $0.kind == .sometimes }, reportsProgress: true)
            } else {
                let replicas = self.replicas
                DispatchQueue.concurrentPerform(iterations: workers) { w in
                    let model = replicas[w]
                    let properties = model.properties
                    work(round, context, outputs[w], model: model,
                         invariants: properties.filter { $0.kind == .always },
                         goals: properties.filter { $0.kind == .sometimes }, reportsProgress: w == 0)
                }
            }
            (leftovers, cursor) = round.remaining()
            for out in outputs {
                table.count += out.inserted
                out.inserted = 0
            }
            onProgress?(Progress(distinctStates: table.count, queue: count - cursor + leftovers.reduce(0) { $0 + $1.count },
                                 depth: context.depth + 1, seconds: (ContinuousClock().now - context.start).inSeconds))
            maxActions = outputs.reduce(maxActions) { max($0, $1.maxActions) }
        }
        return maxActions
    }
}
