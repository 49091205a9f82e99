/// The successors of a few consecutive states of a level, gathered before any is inserted into
/// the visited set (see `BreadthFirstSearch.work`). Its storage is raw memory the owner frees
/// with `deallocate()`: appending to arrays here cost a uniqueness check and a call per successor,
/// a large share of a transition on a small model.
@usableFromInline struct SuccessorBatch<State> {
    @usableFromInline var successors: UnsafeMutablePointer<State>
    @usableFromInline var fingerprints: UnsafeMutablePointer<UInt64>
    /// Each successor's action position in its parent's action list.
    @usableFromInline var positions: UnsafeMutablePointer<UInt32>
    @usableFromInline var count = 0
    @usableFromInline var capacity: Int
    /// For each parent: its id and where its successors end.
    @usableFromInline var parents: [(id: UInt32, end: Int)] = []
    /// With sleep sets: successor `k` carries `sleep[sleepEnds[k - 1] ..< sleepEnds[k]]`.
    @usableFromInline var sleep: [UInt64] = []
    @usableFromInline var sleepEnds: [Int] = []

    @inlinable init(capacity: Int = 256) {
        self.capacity = capacity
        successors = .allocate(capacity: capacity)
        fingerprints = .allocate(capacity: capacity)
        positions = .allocate(capacity: capacity)
    }

    @inlinable mutating func append(_ state: State, fingerprint: UInt64, position: Int) {
        if count == capacity { grow() }
        (successors + count).initialize(to: state)
        fingerprints[count] = fingerprint
        positions[count] = UInt32(truncatingIfNeeded: position)
        count += 1
    }

    /// Closes the current parent's successors.
    @inlinable mutating func endParent(_ id: UInt32) { parents.append((id, count)) }

    @inlinable mutating func removeAll() {
        successors.deinitialize(count: count)
        count = 0
        parents.removeAll(keepingCapacity: true)
        sleep.removeAll(keepingCapacity: true)
        sleepEnds.removeAll(keepingCapacity: true)
    }

    /// Ends the sleep set of the successor appended last (its entries were appended to `sleep`).
    @inlinable mutating func closeSleep() { sleepEnds.append(sleep.count) }

    /// The sleep set successor `k` carries.
    @inlinable func sleepSet(_ k: Int) -> ArraySlice<UInt64> { sleep[(k == 0 ? 0 : sleepEnds[k - 1]) ..< sleepEnds[k]] }

    @inlinable mutating func deallocate() {
        removeAll()
        successors.deallocate()
        fingerprints.deallocate()
        positions.deallocate()
    }

    @usableFromInline mutating func grow() {
        let larger = capacity * 2
        let s = UnsafeMutablePointer<State>.allocate(capacity: larger)
        s.moveInitialize(from: successors, count: count)
        successors.deallocate()
        successors = s
        let f = UnsafeMutablePointer<UInt64>.allocate(capacity: larger)
        f.update(from: fingerprints, count: count)
        fingerprints.deallocate()
        fingerprints = f
        let p = UnsafeMutablePointer<UInt32>.allocate(capacity: larger)
        p.update(from: positions, count: count)
        positions.deallocate()
        positions = p
        capacity = larger
    }

    /// Reads every successor's first slot, so that the loads are in flight together, long before
    /// the inserts need them; returns a fold of what was read, for the caller to keep.
    @inlinable func touch(_ table: SharedFingerprintTable.View) -> UInt64 {
        var sink: UInt64 = 0
        for k in 0..<count { sink ^= table.touch(fingerprints[k]) }
        return sink
    }
}
