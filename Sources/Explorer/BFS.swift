/// Breadth-first search: level by level, so the first violation found has a shortest trace.
/// The frontier holds states with their discovery index; the visited set holds fingerprints only;
/// traces come from the parent links by replay.
public struct BreadthFirstSearch<M: StateMachine>: Sendable {
    public let model: M
    public var limits: SearchLimits
    /// Called every few thousand states (the caller decides whether to print).
    public var onProgress: (@Sendable (Progress) -> Void)?

    public init(model: M, limits: SearchLimits = SearchLimits(), onProgress: (@Sendable (Progress) -> Void)? = nil) {
        self.model = model
        self.limits = limits
        self.onProgress = onProgress
    }

    @inlinable
    public func run() -> SearchResult<M> {
        let clock = ContinuousClock()
        let start = clock.now
        var stats = Statistics()
        var visited = FingerprintSet(expected: limits.expectedStates)
        var links = ParentLinks()
        let properties = model.properties
        let invariants = properties.filter { $0.kind == .always }
        var pendingGoals = properties.filter { $0.kind == .sometimes }
        var witnesses: [String: Trace<M>] = [:]
        var frontier: [(M.State, UInt32)] = []
        var next: [(M.State, UInt32)] = []
        var actions: [M.Action] = []

        func finish(_ verdict: Verdict, counterexample: Trace<M>? = nil) -> SearchResult<M> {
            stats.close(visited: visited, links: links, since: start, clock)
            return SearchResult(verdict: verdict, counterexample: counterexample, witnesses: witnesses, statistics: stats)
        }

        func trace(to id: UInt32) -> Trace<M>? { links.trace(to: id, in: model) }

        /// Checks a newly discovered state; returns the violated invariant's name, if any.
        func check(_ state: M.State, _ id: UInt32) -> String? {
            for p in invariants where !p.holds(state) { return p.name }
            if !pendingGoals.isEmpty {
                pendingGoals.removeAll { goal in
                    guard goal.holds(state) else { return false }
                    witnesses[goal.name] = trace(to: id)
                    return true
                }
            }
            return nil
        }

        for state in model.initialStates where visited.insert(model.fingerprint(of: state)) {
            let id = links.addRoot()
            if let broken = check(state, id) { return finish(.violation(property: broken), counterexample: trace(to: id)) }
            frontier.append((state, id))
        }

        var depth = 0
        var sinceProgress = 0
        // Hoisted: the loop below must not touch the limits struct (it holds a closure) per state.
        let modelDepth = limits.modelDepth ?? .max
        let maxStates = limits.maxStates ?? .max
        while !frontier.isEmpty {
            if let d = limits.modelDepth, depth >= d { break }
            if let d = limits.maxDepth, depth >= d { return finish(.incomplete(reason: "--max-depth \(d) reached")) }
            for (state, id) in frontier {
                actions.removeAll(keepingCapacity: true)
                model.actions(of: state, into: &actions)
                for (position, action) in actions.enumerated() {
                    stats.transitions += 1
                    // Limits are checked between transitions, so one huge expansion cannot outlast them.
                    if stats.transitions & 1023 == 0, let reason = limits.stopReason(since: start, clock) {
                        return finish(.incomplete(reason: reason))
                    }
                    guard let successor = model.successor(of: state, after: action),
                          visited.insert(model.fingerprint(of: successor)) else { continue }
                    let sid = links.add(parent: id, action: position)
                    stats.maxDepth = depth + 1
                    if let broken = check(successor, sid) {
                        return finish(.violation(property: broken), counterexample: trace(to: sid))
                    }
                    // States at the model's depth are checked, never expanded: keep them out of the frontier.
                    if depth + 1 < modelDepth { next.append((successor, sid)) }
                    if visited.count >= maxStates { return finish(.incomplete(reason: "--max-states \(maxStates) reached")) }
                }
                sinceProgress += 1
                if sinceProgress >= 4096 {
                    sinceProgress = 0
                    let elapsed = clock.now - start
                    if let t = limits.timeLimit, elapsed >= t { return finish(.incomplete(reason: "--time-limit reached")) }
                    onProgress?(Progress(distinctStates: visited.count, queue: next.count, depth: depth + 1,
                                         seconds: elapsed.inSeconds))
                }
            }
            swap(&frontier, &next)
            next.removeAll(keepingCapacity: true)
            depth += 1
        }
        return finish(.holds)
    }
}
