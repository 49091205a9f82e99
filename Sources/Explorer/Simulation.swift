/// Random simulation: seeded walks of at most the model's depth from an initial state, for
/// spaces too large to exhaust. It ends `violation` or `incomplete`, never `holds`.
public struct RandomSimulation<M: StateMachine>: Sendable {
    public let model: M
    public var limits: SearchLimits
    public var seed: UInt64
    public var walks: Int
    public var onProgress: (@Sendable (Progress) -> Void)?

    public init(model: M, limits: SearchLimits = SearchLimits(), seed: UInt64 = 0, walks: Int = 10_000,
                onProgress: (@Sendable (Progress) -> Void)? = nil) {
        self.model = model
        self.limits = limits
        self.seed = seed
        self.walks = walks
        self.onProgress = onProgress
    }

    public func run() -> SearchResult<M> {
        let clock = ContinuousClock()
        let start = clock.now
        var stats = Statistics()
        var seen = FingerprintSet(expected: limits.expectedStates)
        let properties = model.properties
        let invariants = properties.filter { $0.kind == .always }
        var pendingGoals = properties.filter { $0.kind == .sometimes }
        var witnesses: [String: Trace<M>] = [:]
        var rng = seed &+ 0x5851_F42D_4C95_7F2D
        func random(_ n: Int) -> Int {
            rng &+= 0x9E37_79B9_7F4A_7C15
            var z = rng
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(n))
        }
        func finish(_ verdict: Verdict, _ trace: Trace<M>? = nil) -> SearchResult<M> {
            stats.distinctStates = seen.count
            stats.visitedBytes = seen.bytes
            stats.seconds = (clock.now - start).inSeconds
            return SearchResult(verdict: verdict, counterexample: trace, witnesses: witnesses, statistics: stats)
        }
        let initials = model.initialStates
        guard !initials.isEmpty else { return finish(.incomplete(reason: "no initial state")) }
        let depth = min(limits.modelDepth ?? 100, limits.maxDepth ?? .max)
        var actions = ActionFamilies<M.Action>()
        for _ in 0..<walks {
            var trace = Trace<M>(initial: initials[random(initials.count)], steps: [])
            var state = trace.initial
            seen.insert(model.fingerprint(of: state))
            for step in 0...depth {
                for p in invariants where !p.holds(state) { return finish(.violation(property: p.name), trace) }
                pendingGoals.removeAll { goal in
                    guard goal.holds(state) else { return false }
                    witnesses[goal.name] = trace
                    return true
                }
                if step == depth { break }
                actions.removeAll()
                model.actions(of: state, into: &actions)
                guard actions.count > 0 else { break }
                // A step that leaves the state as it was (an errno) explores nothing a shorter
                // walk does not: try a few actions for one that changes the state.
                let here = model.fingerprint(of: state)
                var chosen: (M.Action, M.State)?
                for _ in 0..<16 {
                    let action = actions[random(actions.count)]
                    stats.transitions += 1
                    if stats.transitions & 1023 == 0, let reason = limits.stopReason(since: start, clock) {
                        return finish(.incomplete(reason: reason))
                    }
                    guard let next = model.successor(of: state, after: action) else { continue }
                    chosen = (action, next)
                    if model.fingerprint(of: next) != here { break }
                    stats.selfLoops += 1
                }
                guard let (action, next) = chosen else { break }
                state = next
                trace.steps.append((action, state))
                seen.insert(model.fingerprint(of: state))
                stats.maxDepth = max(stats.maxDepth, step + 1)
                if let m = limits.maxStates, seen.count >= m { return finish(.incomplete(reason: "--max-states \(m) reached")) }
            }
        }
        return finish(.incomplete(reason: "random simulation: \(walks) walks without a violation"))
    }
}
