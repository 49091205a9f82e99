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
        let table = SharedFingerprintTable(expected: limits.expectedStates, compact: limits.compactVisitedSet)
        var links = ParentLinks()
        let properties = model.properties
        let invariants = properties.filter { $0.kind == .always }
        let goals = properties.filter { $0.kind == .sometimes }
        var reached = [Bool](repeating: false, count: goals.count)
        var witnesses: [String: Trace<M>] = [:]

        func finish(_ verdict: Verdict, counterexample: Trace<M>? = nil) -> SearchResult<M> {
            stats.close(visited: table, links: links, since: start, clock)
            return SearchResult(verdict: verdict, counterexample: counterexample, witnesses: witnesses, statistics: stats)
        }
        func trace(to id: UInt32) -> Trace<M>? { links.trace(to: id, in: model) }
        func reach(_ goal: Int, _ id: UInt32) {
            guard !reached[goal] else { return }
            reached[goal] = true
            witnesses[goals[goal].name] = trace(to: id)
        }

        var level = Frontier<M.State>()
        for state in model.initialStates where table.insert(model.fingerprint(of: state)) {
            table.count += 1
            let id = links.addRoot()
            if let broken = invariants.first(where: { !$0.holds(state) }) {
                return finish(.violation(property: broken.name), counterexample: trace(to: id))
            }
            for g in goals.indices where goals[g].holds(state) { reach(g, id) }
            level.values.append(state)
        }

        let outputs = (0..<workers).map { _ in LevelOutput<M.State>() }
        var firstID: UInt32 = 0
        var depth = 0
        var maxActions = 0
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
                maxActions = expandLevel(context, outputs, maxActions: maxActions)
                return context
            }

            stats.transitions += outputs.reduce(0) { $0 + $1.transitions }
            stats.selfLoops += outputs.reduce(0) { $0 + $1.selfLoops }
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
                    reached[g] = true
                    witnesses[goals[g].name] = links.trace(from: parent, position: position, in: model)
                }
            }

            var next = Frontier<M.State>()
            next.values.reserveCapacity(outputs.reduce(0) { $0 + $1.states.count })
            let bases = outputs.map { links.take(parents: &$0.parents, actions: &$0.actions) }
            for out in outputs { next.append(values: out.states, packed: out.packed) }
            firstID = bases.first ?? 0
            level = next
            onProgress?(Progress(distinctStates: table.count, queue: level.count, depth: depth + 1, seconds: (clock.now - start).inSeconds))
            depth += 1
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
            let budget = table.capacity / 8 * 7 - table.count
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
