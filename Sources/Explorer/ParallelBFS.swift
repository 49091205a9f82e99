import Dispatch
import Synchronization

/// Breadth-first search with several workers, level by level. Workers expand slices of the
/// frontier in parallel — successors, fingerprints and property checks, reading the visited set
/// of earlier levels without writing it — and one merge then inserts their candidates in frontier
/// order. So the distinct-state count, the verdict and the counterexample are exactly those of
/// the single-worker search, whatever the number of workers.
public struct ParallelBreadthFirstSearch<M: StateMachine>: Sendable {
    public let model: M
    public var limits: SearchLimits
    public var workers: Int
    public var onProgress: (@Sendable (Progress) -> Void)?

    /// One model per worker (`StateMachine.replica`).
    @usableFromInline let replicas: [M]

    public init(model: M, limits: SearchLimits = SearchLimits(), workers: Int, onProgress: (@Sendable (Progress) -> Void)? = nil) {
        self.model = model
        self.limits = limits
        self.workers = max(1, workers)
        self.onProgress = onProgress
        replicas = (0..<max(1, workers)).map { _ in model.replica() }
    }

    /// The frontier of a level, read by the workers without reference counting.
    @usableFromInline struct UnsafeLevel: @unchecked Sendable {
        @usableFromInline let items: UnsafeBufferPointer<(M.State, UInt32)>
        @inlinable init(items: UnsafeBufferPointer<(M.State, UInt32)>) { self.items = items }
    }

    @usableFromInline struct Candidate: Sendable {
        @usableFromInline var fingerprint: UInt64
        @usableFromInline var state: M.State
        @usableFromInline var parent: UInt32
        @usableFromInline var action: Int
        /// The first invariant it breaks, and the goals it reaches.
        @usableFromInline var broken: String?
        @usableFromInline var goals: [String]

        @inlinable init(fingerprint: UInt64, state: M.State, parent: UInt32, action: Int, broken: String?, goals: [String]) {
            self.fingerprint = fingerprint
            self.state = state
            self.parent = parent
            self.action = action
            self.broken = broken
            self.goals = goals
        }
    }

    /// What one slice of the frontier produced.
    @usableFromInline struct SliceResult: Sendable {
        @usableFromInline var candidates: [Candidate] = []
        @usableFromInline var transitions = 0
        @usableFromInline var stopped: String?
        @inlinable init() {}
    }

    @inlinable
    public func run() -> SearchResult<M> {
        let clock = ContinuousClock()
        let start = clock.now
        var stats = Statistics()
        stats.workers = workers
        var visited = FingerprintSet(expected: limits.expectedStates)
        var links = ParentLinks()
        let properties = model.properties
        let invariants = properties.filter { $0.kind == .always }
        let goals = properties.filter { $0.kind == .sometimes }
        var reached: Set<String> = []
        var witnesses: [String: Trace<M>] = [:]
        var frontier: [(M.State, UInt32)] = []

        func finish(_ verdict: Verdict, counterexample: Trace<M>? = nil) -> SearchResult<M> {
            stats.close(visited: visited, links: links, since: start, clock)
            return SearchResult(verdict: verdict, counterexample: counterexample, witnesses: witnesses, statistics: stats)
        }
        func trace(to id: UInt32) -> Trace<M>? { links.trace(to: id, in: model) }
        func accept(_ broken: String?, _ goalNames: [String], _ id: UInt32) -> String? {
            if let broken { return broken }
            for g in goalNames where !reached.contains(g) {
                reached.insert(g)
                witnesses[g] = trace(to: id)
            }
            return nil
        }

        for state in model.initialStates where visited.insert(model.fingerprint(of: state)) {
            let id = links.addRoot()
            let broken = invariants.first { !$0.holds(state) }?.name
            if let b = accept(broken, goals.filter { $0.holds(state) }.map(\.name), id) {
                return finish(.violation(property: b), counterexample: trace(to: id))
            }
            frontier.append((state, id))
        }

        var depth = 0
        while !frontier.isEmpty {
            if let d = limits.modelDepth, depth >= d { break }
            if let d = limits.maxDepth, depth >= d { return finish(.incomplete(reason: "--max-depth \(d) reached")) }
            let slices = min(frontier.count, workers * 8)
            let results = Mutex<[SliceResult?]>(Array(repeating: nil, count: slices))
            let limits = self.limits
            let replicas = self.replicas
            let workers = self.workers
            visited.withReadOnlyView { seen in
                frontier.withUnsafeBufferPointer { levelPointer in
                    let level = UnsafeLevel(items: levelPointer)
                    DispatchQueue.concurrentPerform(iterations: workers) { worker in
                        let model = replicas[worker]
                        let properties = model.properties
                        let invariants = properties.filter { $0.kind == .always }
                        let goals = properties.filter { $0.kind == .sometimes }
                        var actions: [M.Action] = []
                        for slice in stride(from: worker, to: slices, by: workers) {
                            let lo = level.items.count * slice / slices, hi = level.items.count * (slice + 1) / slices
                            var out = SliceResult()
                            expand: for index in lo..<hi {
                                let (shared, id) = level.items[index]
                                let state = model.unshared(shared)
                                actions.removeAll(keepingCapacity: true)
                                model.actions(of: state, into: &actions)
                                for (position, action) in actions.enumerated() {
                                    out.transitions += 1
                                    if out.transitions & 1023 == 0, let reason = limits.stopReason(since: start, clock) {
                                        out.stopped = reason
                                        break expand
                                    }
                                    guard let next = model.successor(of: state, after: action) else { continue }
                                    let fp = model.fingerprint(of: next)
                                    if seen.contains(fp) { continue }
                                    out.candidates.append(Candidate(fingerprint: fp, state: next, parent: id, action: position,
                                                                    broken: invariants.first { !$0.holds(next) }?.name,
                                                                    goals: goals.filter { $0.holds(next) }.map(\.name)))
                                }
                            }
                            results.withLock { $0[slice] = out }
                        }
                    }
                }
            }
            var next: [(M.State, UInt32)] = []
            let expandNext = limits.modelDepth.map { depth + 1 < $0 } ?? true
            for slice in results.withLock({ $0 }) {
                guard let slice else { continue }
                stats.transitions += slice.transitions
                if let reason = slice.stopped { return finish(.incomplete(reason: reason)) }
                for c in slice.candidates where visited.insert(c.fingerprint) {
                    let sid = links.add(parent: c.parent, action: c.action)
                    stats.maxDepth = depth + 1
                    if let b = accept(c.broken, c.goals, sid) {
                        return finish(.violation(property: b), counterexample: trace(to: sid))
                    }
                    if expandNext { next.append((c.state, sid)) }
                    if let m = limits.maxStates, visited.count >= m { return finish(.incomplete(reason: "--max-states \(m) reached")) }
                }
            }
            onProgress?(Progress(distinctStates: visited.count, queue: next.count, depth: depth + 1, seconds: (clock.now - start).inSeconds))
            frontier = next
            depth += 1
        }
        return finish(.holds)
    }
}
