/// Depth-first search: memory-light (the stack is the path), bounded by the model's depth. A
/// state reached again at a smaller depth is expanded again, so on an exhaustive run it visits
/// exactly the states BFS visits. Counterexamples are the stack, not necessarily shortest.
public struct DepthFirstSearch<M: StateMachine>: Sendable {
    public let model: M
    public var limits: SearchLimits
    public var onProgress: (@Sendable (Progress) -> Void)?

    public init(model: M, limits: SearchLimits = SearchLimits(), onProgress: (@Sendable (Progress) -> Void)? = nil) {
        self.model = model
        self.limits = limits
        self.onProgress = onProgress
    }

    struct Frame {
        var state: M.State
        var fingerprint: UInt64
        var actions: ActionFamilies<M.Action>
        var next: Int
        /// The action that led here from the frame below.
        var via: M.Action?
    }

    public func run() -> SearchResult<M> {
        let clock = ContinuousClock()
        let start = clock.now
        var stats = Statistics()
        var seen = FingerprintDepthMap(expected: limits.expectedStates)
        let properties = model.properties
        let invariants = properties.filter { $0.kind == .always }
        var pendingGoals = properties.filter { $0.kind == .sometimes }
        var witnesses: [String: Trace<M>] = [:]
        let bound = min(limits.modelDepth ?? .max, limits.maxDepth ?? .max)
        var stack: [Frame] = []

        func finish(_ verdict: Verdict, counterexample: Trace<M>? = nil) -> SearchResult<M> {
            stats.distinctStates = seen.count
            stats.visitedBytes = seen.bytes
            stats.seconds = (clock.now - start).inSeconds
            return SearchResult(verdict: verdict, counterexample: counterexample, witnesses: witnesses, statistics: stats)
        }
        func trace(ending state: M.State, via action: M.Action?) -> Trace<M> {
            var t = Trace<M>(initial: stack.first?.state ?? state, steps: [])
            for frame in stack.dropFirst() { t.steps.append((frame.via!, frame.state)) }
            if let action { t.steps.append((action, state)) }
            return t
        }
        func check(_ state: M.State, via action: M.Action?) -> String? {
            for p in invariants where !p.holds(state) { return p.name }
            pendingGoals.removeAll { goal in
                guard goal.holds(state) else { return false }
                witnesses[goal.name] = trace(ending: state, via: action)
                return true
            }
            return nil
        }
        func actions(_ s: M.State) -> ActionFamilies<M.Action> {
            var out = ActionFamilies<M.Action>()
            model.actions(of: s, into: &out)
            return out
        }

        var truncated = false
        for initial in model.initialStates {
            let fingerprint = model.fingerprint(of: initial)
            guard seen.lower(fingerprint, to: 0) else { continue }
            if let broken = check(initial, via: nil) { return finish(.violation(property: broken), counterexample: Trace(initial: initial, steps: [])) }
            stack = [Frame(state: initial, fingerprint: fingerprint, actions: bound > 0 ? actions(initial) : ActionFamilies(), next: 0, via: nil)]
            while !stack.isEmpty {
                let top = stack.count - 1
                guard stack[top].next < stack[top].actions.count else { stack.removeLast(); continue }
                let action = stack[top].actions[stack[top].next]
                stack[top].next += 1
                stats.transitions += 1
                if stats.transitions & 1023 == 0 {
                    if let reason = limits.stopReason(since: start, clock) { return finish(.incomplete(reason: reason)) }
                    onProgress?(Progress(distinctStates: seen.count, queue: stack.count, depth: stack.count, seconds: (clock.now - start).inSeconds))
                }
                guard let next = model.successor(of: stack[top].state, after: action) else { continue }
                let depth = stack.count
                let before = seen.count
                let fingerprint = model.fingerprint(of: next)
                if fingerprint == stack[top].fingerprint { stats.selfLoops += 1 }
                guard seen.lower(fingerprint, to: depth) else { continue }
                stats.maxDepth = max(stats.maxDepth, depth)
                if seen.count > before, let broken = check(next, via: action) {
                    return finish(.violation(property: broken), counterexample: trace(ending: next, via: action))
                }
                if let m = limits.maxStates, seen.count >= m { return finish(.incomplete(reason: "--max-states \(m) reached")) }
                if depth < bound {
                    stack.append(Frame(state: next, fingerprint: fingerprint, actions: actions(next), next: 0, via: action))
                } else if let d = limits.maxDepth, depth >= d, limits.modelDepth.map({ d < $0 }) ?? true {
                    truncated = true
                }
            }
        }
        if truncated, let d = limits.maxDepth { return finish(.incomplete(reason: "--max-depth \(d) reached")) }
        return finish(.holds)
    }
}
