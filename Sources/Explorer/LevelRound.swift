import Synchronization

/// What the workers of one BFS round share: who takes which piece of the frontier, how many
/// inserts the visited set can still take before it must grow, and whether to stop.
///
/// Inserts are budgeted because the shared table cannot grow while workers insert: a worker
/// reserves room for a state's successors before expanding it (in blocks, so the shared counter
/// is touched about once per thousand transitions), and when the round's budget is spent it hands
/// back the rest of its piece and the round ends; the search grows the table if it must and
/// starts another round on what is left.
@usableFromInline final class LevelRound: @unchecked Sendable {
    /// Unfinished pieces handed back by the previous round, taken first.
    @usableFromInline let leftovers: [Range<Int>]
    /// Where the untouched part of the level begins, and the piece size it is cut into.
    @usableFromInline let cursor: Int
    @usableFromInline let end: Int
    @usableFromInline let pieceSize: Int
    @usableFromInline let budget: Int

    @usableFromInline let claimed = Atomic<Int>(0)
    @usableFromInline let reserved = Atomic<Int>(0)
    /// Set when the budget is spent or the search must stop: workers hand back what they hold.
    @usableFromInline let pause = Atomic<Bool>(false)
    @usableFromInline let handedBack = Mutex<[Range<Int>]>([])

    @usableFromInline init(leftovers: [Range<Int>], cursor: Int, end: Int, pieceSize: Int, budget: Int) {
        self.leftovers = leftovers
        self.cursor = cursor
        self.end = end
        self.pieceSize = pieceSize
        self.budget = budget
    }

    /// The next piece of the level for a worker, or nil when none is left.
    @inlinable func claim() -> Range<Int>? {
        let k = claimed.wrappingAdd(1, ordering: .relaxed).oldValue
        if k < leftovers.count { return leftovers[k] }
        let lo = cursor + (k - leftovers.count) * pieceSize
        return lo < end ? lo..<min(lo + pieceSize, end) : nil
    }

    /// Reserves room for `n` more inserts, in blocks; false when the round's budget is spent.
    @inlinable func reserve(_ n: Int, local: inout Int) -> Bool {
        if local >= n { local -= n; return true }
        let take = max(n, 2048)
        if reserved.wrappingAdd(take, ordering: .relaxed).newValue > budget {
            pause.store(true, ordering: .relaxed)
            return false
        }
        local += take - n
        return true
    }

    @inlinable func handBack(_ range: Range<Int>) {
        if !range.isEmpty { handedBack.withLock { $0.append(range) } }
    }

    /// What the next round must still do: the pieces handed back, and where the untouched part now begins.
    @usableFromInline func remaining() -> (leftovers: [Range<Int>], cursor: Int) {
        let taken = max(0, claimed.load(ordering: .relaxed) - leftovers.count)
        let cursorNow = min(end, cursor + taken * pieceSize)
        var rest = handedBack.withLock { $0 }
        let skipped = leftovers.dropFirst(min(leftovers.count, claimed.load(ordering: .relaxed)))
        rest.append(contentsOf: skipped)
        return (rest, cursorNow)
    }
}
