/// Sleep sets as the frontier keeps them: after a state's own words, its entries
/// `key << 1 | selfLoop` in ascending order, each as the difference from the one before (so the
/// packed varints stay short), then their count. `selfLoop` says that the action, when last
/// taken on the way here, left the state as it was — and so, commuting with every step since,
/// still does: it then writes nothing, which its footprint must say.
@usableFromInline enum SleepSet {
    @inlinable static func append(_ set: ArraySlice<UInt64>, to words: inout [UInt64]) {
        var previous: UInt64 = 0
        for entry in set {
            words.append(entry &- previous)
            previous = entry
        }
        words.append(UInt64(set.count))
    }

    /// Moves the sleep set at the end of `words` into `set` (dropped when `void`); returns how many
    /// of the words are the state's.
    @inlinable static func split(_ words: inout [UInt64], into set: inout [UInt64], void: Bool) -> Int {
        let n = Int(truncatingIfNeeded: words[words.count - 1])
        let stateWords = words.count - 1 - n
        precondition(n >= 0 && stateWords >= 0, "a frontier entry without its sleep set")
        if !void {
            var entry: UInt64 = 0
            for k in stateWords ..< words.count - 1 {
                entry &+= words[k]
                set.append(entry)
            }
        }
        return stateWords
    }

    /// The entry of `key` in an ascending sleep set, if it is there.
    @inlinable static func entry(of key: UInt64, in set: [UInt64]) -> UInt64? {
        let j = set.firstIndex(notBelow: key << 1)
        return j < set.count && set[j] >> 1 == key ? set[j] : nil
    }

    /// The positions of the next level whose sleep sets are void: states given one by an edge of
    /// this level that another edge of this level reached again. A state's sleep set must be the
    /// intersection of what every edge of its BFS level into it allows; void is the (sound)
    /// intersection with an edge whose set is not at hand.
    @inlinable static func voided<S>(_ outputs: [LevelOutput<S>]) -> [Int] {
        for out in outputs { out.duplicates.sort() }
        var void: [Int] = []
        var base = 0
        for out in outputs {
            for s in out.sleepy where outputs.contains(where: { $0.duplicates.sortedContains(s.fingerprint) }) {
                void.append(base + s.index)
            }
            base += out.packed.count
        }
        return void
    }
}

extension Array where Element: Comparable {
    /// In an ascending array, the position of the first element not below `value` (`count` if none).
    @inlinable func firstIndex(notBelow value: Element) -> Int {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if self[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Whether an ascending array holds `value`.
    @inlinable func sortedContains(_ value: Element) -> Bool {
        let j = firstIndex(notBelow: value)
        return j < count && self[j] == value
    }
}

/// One worker's buffers for expanding a state with sleep sets (reused from state to state).
@usableFromInline struct SleepScratch<Action> {
    @usableFromInline var actions: [Action] = []
    /// Each action's sleep key, `UInt64.max` for none.
    @usableFromInline var keys: [UInt64] = []
    @usableFromInline var asleep: [Bool] = []
    /// What a successor's sleep set is drawn from: the actions asleep here, then those taken so
    /// far, each with its entry and its footprint in the state expanded.
    @usableFromInline var candidates: [(entry: UInt64, footprint: Footprint)] = []
    /// The footprint of the last action a sleep set was built for, kept for `taken`.
    @usableFromInline var last: (position: Int, footprint: Footprint)?

    @inlinable init() {}

    /// Lists the actions of `state`, marks those whose key is in `sleeping`, and (`candidates`)
    /// takes the footprints of those.
    @inlinable mutating func start<M: StateMachine>(_ families: ActionFamilies<Action>, sleeping: [UInt64], model: M, state: M.State,
                                                    candidates keep: Bool) where M.Action == Action {
        actions.removeAll(keepingCapacity: true)
        keys.removeAll(keepingCapacity: true)
        asleep.removeAll(keepingCapacity: true)
        candidates.removeAll(keepingCapacity: true)
        last = nil
        var produced = families.iterator(from: 0)
        // Nothing asleep and no sleep sets to hand on (the last level): no key is needed.
        let needsKeys = keep || !sleeping.isEmpty
        while let action = produced.next() {
            actions.append(action)
            guard needsKeys, let key = model.sleepKey(of: action) else {
                keys.append(.max)
                asleep.append(false)
                continue
            }
            precondition(key < 1 << 62, "a sleep key of 2^62 or more")
            keys.append(key)
            guard !sleeping.isEmpty, let entry = SleepSet.entry(of: key, in: sleeping) else {
                asleep.append(false)
                continue
            }
            asleep.append(true)
            if keep {
                let f = model.footprint(of: action, in: state)
                candidates.append((entry, entry & 1 != 0 ? f.readOnly : f))
            }
        }
    }

    /// Appends to `batch` the sleep set of the successor the action at `position` just gave.
    @inlinable mutating func sleepSet<M: StateMachine>(after position: Int, into batch: inout SuccessorBatch<M.State>, model: M,
                                                       state: M.State) where M.Action == Action {
        let f = model.footprint(of: actions[position], in: state)
        last = (position, f)
        let start = batch.sleep.count
        for c in candidates where c.footprint.commutes(with: f) { batch.sleep.append(c.entry) }
        batch.sleep[start...].sort()
        batch.closeSleep()
    }

    /// Records that the action at `position` was taken: a candidate for the sleep sets of the
    /// successors of the actions after it.
    @inlinable mutating func taken<M: StateMachine>(_ position: Int, changes: Bool, model: M, state: M.State) where M.Action == Action {
        let key = keys[position]
        guard key != .max else { return }
        let f = last.flatMap { $0.position == position ? $0.footprint : nil } ?? model.footprint(of: actions[position], in: state)
        candidates.append((key << 1 | (changes ? 0 : 1), changes ? f : f.readOnly))
    }
}
