import Explorer

/// Breadth-first search over MPI, owner-computes: each rank owns the states whose fingerprint
/// maps to it, keeps their visited set and parent links, expands its share of every level, and
/// sends each successor it does not own to its owner in one exchange per level. A level ends with
/// a reduction; the search stops at the shallowest depth with a violation, on the state a
/// one-machine search would report (the first property in the model's order, then the lowest
/// fingerprint), and the counterexample is found by walking parent links across ranks.
///
/// Needs a model that encodes its states (`encodesStates`): states travel as their words.
public struct DistributedBFS<M: StateMachine> {
    public let model: M
    public let limits: SearchLimits
    public let comm: Communicator
    /// Per-rank figures of the last run: states owned, words sent to other ranks.
    public private(set) var ownedStates = 0
    public private(set) var wordsSent = 0

    public init(model: M, limits: SearchLimits, comm: Communicator) {
        precondition(model.encodesStates, "the distributed search sends states as their encoding")
        self.model = model
        self.limits = limits
        self.comm = comm
    }

    /// The rank that owns `fingerprint` (its high half, so that the owner and the slot a visited
    /// set picks from the low bits are independent).
    func owner(_ fingerprint: UInt64) -> Int { Int((fingerprint >> 32) % UInt64(comm.size)) }

    public mutating func run() -> SearchResult<M> {
        let clock = ContinuousClock()
        let start = clock.now
        let properties = model.properties
        let invariants = properties.filter { $0.kind == .always }
        let goals = properties.filter { $0.kind == .sometimes }
        var store = RankStore<M>(expected: Swift.max(1 << 12, limits.expectedStates / comm.size), goals: goals.count)
        var stats = Statistics()
        stats.workers = comm.size
        var witnesses: [String: Trace<M>] = [:]

        func finish(_ verdict: Verdict, _ counterexample: Trace<M>? = nil) -> SearchResult<M> {
            let totals = comm.sum([UInt64(store.links.count), UInt64(stats.transitions), UInt64(stats.selfLoops),
                                   UInt64(store.visited.bytes), UInt64(store.links.count * MemoryLayout<RankStore<M>.Link>.stride)])
            ownedStates = store.links.count
            stats.distinctStates = Int(totals[0])
            stats.transitions = Int(totals[1])
            stats.selfLoops = Int(totals[2])
            stats.visitedBytes = Int(totals[3])
            stats.traceBytes = Int(totals[4])
            stats.seconds = (clock.now - start).inSeconds
            return SearchResult(verdict: verdict, counterexample: counterexample, witnesses: witnesses, statistics: stats)
        }

        // Depth 0: the initial states, each admitted by its owner.
        store.beginLevel()
        for (r, s) in model.initialStates.enumerated() {
            let f = model.fingerprint(of: s)
            guard owner(f) == comm.rank else { continue }
            store.admitRoot(s, f, root: r, enqueue: limits.modelDepth.map { $0 > 0 } ?? true, model: model, invariants: invariants, goals: goals)
        }
        if let v = settle(&store, &witnesses, goals) {
            return finish(.violation(property: invariants[v.property].name), trace(toRank: v.rank, index: v.index, store))
        }

        var depth = 0
        var current = FlatFrontier()
        var actions = ActionFamilies<M.Action>()
        var words: [UInt64] = []
        while true {
            swap(&current, &store.next)
            if comm.sum([UInt64(current.indices.count)])[0] == 0 { break }
            if let d = limits.modelDepth, depth >= d { break }
            if let d = limits.maxDepth, depth >= d { return finish(.incomplete(reason: "--max-depth \(d) reached")) }

            // Expand this rank's share of the level into one buffer per owner: for each successor
            // its fingerprint, parent index, action position, word count and words.
            var outgoing = [[UInt64]](repeating: [], count: comm.size)
            // Each successor is sent once a level: most transitions of a domain model reach a state
            // another transition of the level reached too (and an owned one may be known already).
            var sent = FingerprintSet(expected: Swift.max(1 << 12, current.indices.count * 4))
            var stopped: String?
            for k in current.indices.indices {
                let index = current.indices[k]
                guard let state = current.words.withUnsafeBufferPointer({ model.decode(UnsafeBufferPointer(rebasing: $0[current.range(k)])) }) else {
                    comm.abort("a state did not decode")
                }
                let own = model.fingerprint(of: state)
                actions.removeAll()
                model.actions(of: state, into: &actions)
                var produced = actions.iterator(from: 0)
                var position = 0
                while let action = produced.next() {
                    defer { position += 1 }
                    guard let next = model.successor(of: state, after: action) else { continue }
                    let f = model.fingerprint(of: next)
                    if f == own { stats.selfLoops += 1; continue }
                    let o = owner(f)
                    if o == comm.rank, store.visited.contains(f) { continue }
                    guard sent.insert(f) else { continue }
                    words.removeAll(keepingCapacity: true)
                    model.encode(next, into: &words)
                    outgoing[o].append(f)
                    outgoing[o].append(UInt64(index))
                    outgoing[o].append(UInt64(position))
                    outgoing[o].append(UInt64(words.count))
                    outgoing[o].append(contentsOf: words)
                }
                stats.transitions += position
                // Limits are polled about every 1,024 transitions, as the one-machine search does.
                if stats.transitions >> 10 != (stats.transitions - position) >> 10, stopped == nil {
                    stopped = limits.stopReason(since: start, clock)
                    if stopped != nil { break }
                }
            }
            wordsSent += outgoing.enumerated().reduce(0) { $0 + ($1.offset == comm.rank ? 0 : $1.element.count) }
            // Every rank learns whether any was told to stop before the exchange.
            if comm.max([stopped == nil ? 0 : 1])[0] != 0 { return finish(.incomplete(reason: stopped ?? "interrupted on another rank")) }
            let received = comm.exchange(outgoing)

            // Admit in source-rank order, so that every run with the same ranks admits alike.
            store.beginLevel()
            let enqueue = limits.modelDepth.map { depth + 1 < $0 } ?? true
            let before = store.links.count
            for (source, buffer) in received.enumerated() {
                let ok = buffer.withUnsafeBufferPointer { b -> Bool in
                    var k = 0
                    while k + 4 <= b.count {
                        let n = Int(b[k + 3]), body = k + 4
                        guard body + n <= b.count else { return false }
                        let link = RankStore<M>.Link(rank: Int32(source), index: UInt32(b[k + 1]), position: UInt32(b[k + 2]))
                        guard store.admit(UnsafeBufferPointer(rebasing: b[body..<(body + n)]), b[k], link, enqueue: enqueue,
                                          model: model, invariants: invariants, goals: goals) else { return false }
                        k = body + n
                    }
                    return k == b.count
                }
                if !ok { comm.abort("a malformed or undecodable message from rank \(source)") }
            }
            depth += 1
            let counts = comm.sum([UInt64(store.links.count - before), UInt64(store.links.count)])
            if counts[0] > 0 { stats.maxDepth = depth }
            if let v = settle(&store, &witnesses, goals) {
                return finish(.violation(property: invariants[v.property].name), trace(toRank: v.rank, index: v.index, store))
            }
            if let cap = limits.maxStates, Int(counts[1]) >= cap { return finish(.incomplete(reason: "--max-states \(cap) reached")) }
        }
        return finish(.holds)
    }

    /// Agrees on this depth's violation and goal states across ranks (records the goals' witnesses);
    /// the violation to report, or nil.
    func settle(_ store: inout RankStore<M>, _ witnesses: inout [String: Trace<M>], _ goals: [Property<M.State>]) -> (rank: Int, index: Int, property: Int)? {
        // One row per rank: [property+1 or 0, fingerprint, index, then per goal: hit, fp, index].
        let v = store.violation
        var row: [UInt64] = [v.map { UInt64($0.property + 1) } ?? 0, v?.fingerprint ?? 0, UInt64(v?.index ?? 0)]
        for h in store.goalHits { row += [h == nil ? 0 : 1, h?.fingerprint ?? 0, UInt64(h?.index ?? 0)] }
        let rows = comm.allgather(row)
        for g in goals.indices where !store.reached[g] {
            let hits = rows.indices.filter { rows[$0][3 + 3 * g] == 1 }
            guard let best = hits.min(by: { rows[$0][4 + 3 * g] < rows[$1][4 + 3 * g] }) else { continue }
            store.reached[g] = true
            witnesses[goals[g].name] = trace(toRank: best, index: Int(rows[best][5 + 3 * g]), store)
        }
        let bad = rows.indices.filter { rows[$0][0] != 0 }
        guard let best = bad.min(by: { (rows[$0][0], rows[$0][1]) < (rows[$1][0], rows[$1][1]) }) else { return nil }
        return (best, Int(rows[best][2]), Int(rows[best][0]) - 1)
    }

    /// The trace to state `index` of rank `rank`: the owner of each state on the path broadcasts
    /// its link in turn, back to a root; then every rank replays the actions from that root.
    func trace(toRank rank: Int, index: Int, _ store: RankStore<M>) -> Trace<M>? {
        var positions: [Int] = []
        var (r, i) = (rank, index)
        while true {
            let l = comm.rank == r ? store.links[i] : RankStore<M>.Link(rank: 0, index: 0, position: 0)
            let link = comm.broadcast([UInt64(bitPattern: Int64(l.rank)), UInt64(l.index), UInt64(l.position)], from: r)
            let parentRank = Int(Int64(bitPattern: link[0]))
            if parentRank < 0 { return Trace.replay(model, root: Int(link[2]), positions: positions.reversed()) }
            positions.append(Int(link[2]))
            (r, i) = (parentRank, Int(link[1]))
        }
    }
}
