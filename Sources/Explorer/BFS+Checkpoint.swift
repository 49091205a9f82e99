/// What a breadth-first search saves after a level and restores from (see `CheckpointPlan`).
@usableFromInline struct LevelCheckpoint {
    @usableFromInline var depth: Int
    @usableFromInline var firstID: UInt32
    @usableFromInline var maxActions: Int
    @usableFromInline var stats: Statistics
    @usableFromInline var seconds: Double
    @usableFromInline var goalPaths: [(goal: Int, root: Int, steps: [Int])]

    @inlinable init(depth: Int, firstID: UInt32, maxActions: Int, stats: Statistics, seconds: Double,
                    goalPaths: [(goal: Int, root: Int, steps: [Int])]) {
        self.depth = depth
        self.firstID = firstID
        self.maxActions = maxActions
        self.stats = stats
        self.seconds = seconds
        self.goalPaths = goalPaths
    }
}

extension BreadthFirstSearch {
    /// Writes the finished level `level`; nil on success, else why not.
    @usableFromInline
    func save(_ plan: CheckpointPlan, _ at: LevelCheckpoint, table: SharedFingerprintTable, links: ParentLinks,
              level: Frontier<M.State>) -> String? {
        guard model.encodesStates else { return "this model does not encode its states, so its levels cannot be saved" }
        var w = CheckpointWriter(path: plan.path)
        w.word(Checkpoint.magic)
        w.word(plan.key)
        for n in [at.depth, Int(at.firstID), at.maxActions, at.stats.transitions, at.stats.selfLoops, at.stats.maxDepth] { w.varint(n) }
        w.word(at.seconds.bitPattern)
        w.varint(at.goalPaths.count)
        for g in at.goalPaths {
            w.varint(g.goal)
            w.varint(g.root)
            w.varint(g.steps.count)
            for s in g.steps { w.varint(s) }
        }
        w.varint(table.count)
        table.forEach { w.word($0) }
        w.varint(links.count)
        links.forEach { parent, action in w.word(UInt64(parent) | UInt64(action) << 32) }
        w.varint(level.count)
        var words: [UInt64] = []
        level.withView { view in
            for i in 0..<view.count {
                if !view.unpack(i, into: &words) {
                    words.removeAll(keepingCapacity: true)
                    model.encode(view.values[i], into: &words)
                }
                w.varint(words.count)
                for x in words { w.varint(x) }
            }
        }
        return w.commit()
    }

    /// The search's tables as the checkpoint left them; nil when a saved state does not decode
    /// (the checksum and the key make that unlikely, but a trap would be worse).
    @usableFromInline
    func restore(_ saved: Checkpoint, into table: SharedFingerprintTable) -> (links: ParentLinks, level: Frontier<M.State>, at: LevelCheckpoint)? {
        for f in saved.fingerprints { _ = table.insert(f) }
        table.count = saved.fingerprints.count
        let packed = PackedStates()
        let decodes = saved.words.withUnsafeBufferPointer { words in
            var start = 0
            for end in saved.ends {
                let state = UnsafeBufferPointer(rebasing: words[start..<end])
                guard model.decode(state) != nil else { return false }
                packed.append(state)
                start = end
            }
            return true
        }
        guard decodes else { return nil }
        var level = Frontier<M.State>()
        level.append(values: [], packed: packed)
        var stats = Statistics()
        stats.workers = workers
        stats.transitions = saved.transitions
        stats.selfLoops = saved.selfLoops
        stats.maxDepth = saved.maxDepth
        let at = LevelCheckpoint(depth: saved.depth, firstID: saved.firstID, maxActions: saved.maxActions, stats: stats,
                                 seconds: saved.seconds, goalPaths: saved.goalPaths)
        return (ParentLinks(parents: saved.parents, actions: saved.actions), level, at)
    }
}
