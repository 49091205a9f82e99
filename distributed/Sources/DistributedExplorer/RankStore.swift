import Explorer

/// What one rank keeps of a distributed search: the visited set of the fingerprints it owns,
/// a parent link per owned state, the states of the next level to expand, and what the level
/// found (the best violation, each goal's best state). A struct with mutating methods, not
/// closures over locals: the admission loop runs once per received successor.
struct RankStore<M: StateMachine> {
    /// A parent link: the rank and index of the parent (rank -1: a root, `position` its index among
    /// the initial states) and the action's position in the parent's action list.
    struct Link { var rank: Int32; var index: UInt32; var position: UInt32 }

    var visited: FingerprintSet
    var links: [Link] = []
    /// The next level: each owned state's index and its words, end to end in one buffer.
    var next = FlatFrontier()
    var violation: (property: Int, fingerprint: UInt64, index: Int)?
    var goalHits: [(fingerprint: UInt64, index: Int)?]
    var reached: [Bool]

    init(expected: Int, goals: Int) {
        visited = FingerprintSet(expected: expected)
        goalHits = Array(repeating: nil, count: goals)
        reached = Array(repeating: false, count: goals)
    }

    /// Starts a level: nothing found yet, an empty next frontier.
    mutating func beginLevel() {
        next.removeAll()
        violation = nil
        for g in goalHits.indices { goalHits[g] = nil }
    }

    /// Admits a successor that arrived as `words`: a new fingerprint gets a link, a place in the
    /// next level (its words copied as they came) and its properties checked — the state is
    /// decoded only when there are properties to check.
    mutating func admit(_ words: UnsafeBufferPointer<UInt64>, _ fingerprint: UInt64, _ link: Link, enqueue: Bool,
                        model: M, invariants: [Property<M.State>], goals: [Property<M.State>]) -> Bool {
        guard visited.insert(fingerprint) else { return true }
        let index = links.count
        links.append(link)
        if enqueue { next.append(index, words) }
        guard !invariants.isEmpty || reached.contains(false) else { return true }
        guard let state = model.decode(words) else { return false }
        check(state, fingerprint, index, invariants: invariants, goals: goals)
        return true
    }

    /// Admits an initial state (it has no words yet).
    mutating func admitRoot(_ state: M.State, _ fingerprint: UInt64, root: Int, enqueue: Bool,
                            model: M, invariants: [Property<M.State>], goals: [Property<M.State>]) {
        guard visited.insert(fingerprint) else { return }
        let index = links.count
        links.append(Link(rank: -1, index: 0, position: UInt32(root)))
        if enqueue {
            var words: [UInt64] = []
            model.encode(state, into: &words)
            words.withUnsafeBufferPointer { next.append(index, $0) }
        }
        check(state, fingerprint, index, invariants: invariants, goals: goals)
    }

    mutating func check(_ state: M.State, _ fingerprint: UInt64, _ index: Int, invariants: [Property<M.State>], goals: [Property<M.State>]) {
        if let p = invariants.firstIndex(where: { !$0.holds(state) }),
           violation.map({ (p, fingerprint) < ($0.property, $0.fingerprint) }) ?? true {
            violation = (p, fingerprint, index)
        }
        for g in goals.indices where !reached[g] && goals[g].holds(state) {
            if goalHits[g].map({ fingerprint < $0.fingerprint }) ?? true { goalHits[g] = (fingerprint, index) }
        }
    }
}

/// States to expand: their indices, and their encodings end to end in one buffer.
struct FlatFrontier {
    var indices: [Int] = []
    var words: [UInt64] = []
    var ends: [Int] = []

    mutating func append(_ index: Int, _ encoded: UnsafeBufferPointer<UInt64>) {
        indices.append(index)
        words.append(contentsOf: encoded)
        ends.append(words.count)
    }

    func range(_ k: Int) -> Range<Int> { (k == 0 ? 0 : ends[k - 1])..<ends[k] }

    mutating func removeAll() {
        indices.removeAll(keepingCapacity: true)
        words.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
    }
}
