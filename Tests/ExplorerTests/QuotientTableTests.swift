import Dispatch
import Synchronization
import Testing
@testable import Explorer

/// The compact visited set must decide equality of full 64-bit fingerprints: two fingerprints that
/// share a home slot and all but one remainder bit are different states.
@Suite struct QuotientTableTests {
    static func randomFingerprints(_ n: Int, seed: UInt64) -> [UInt64] {
        var x = seed
        return (0..<n).map { _ in
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return max(1, z ^ (z >> 31))
        }
    }

    @Test func insertsAndFindsLikeASetOfFullFingerprints() {
        let table = SharedFingerprintTable(expected: 7_000_000, compact: true)
        #expect(table.isCompact)
        let values = Self.randomFingerprints(200_000, seed: 1)
        for v in values { #expect(table.insert(v)) }
        for v in values { #expect(!table.insert(v)) }
        // Same home and remainder except one bit, anywhere in the remainder.
        let bits = table.capacity.trailingZeroBitCount
        for b in bits..<64 {
            let twin = values[b] ^ (1 << UInt64(b))
            guard twin != 0, !values.contains(twin) else { continue }
            #expect(table.insert(twin), "bit \(b) of the remainder was lost")
            #expect(!table.insert(twin))
        }
    }

    @Test func entriesFarFromHomeGoToTheOverflowAndStayDistinct() {
        let table = SharedFingerprintTable(expected: 7_000_000, compact: true)
        let slots = table.compact!
        // 500 fingerprints with one home: the first fill the window, the rest overflow.
        let home: UInt64 = 12345
        let crowd = (1...UInt64(500)).map { $0 << UInt64(slots.indexBits) | home }
        for f in crowd { #expect(table.insert(f)) }
        #expect(slots.overflow.count == 500 - (slots.maxDisplacement + 1))
        for f in crowd { #expect(!table.insert(f)) }
        var seen: Set<UInt64> = []
        slots.forEach { seen.insert($0) }
        #expect(seen == Set(crowd))
    }

    @Test func growingIntoAndWithinTheCompactLayoutKeepsEveryFingerprint() {
        // The table never grows by itself (the search grows it between rounds).
        let table = SharedFingerprintTable(expected: 300_000, compact: true)
        #expect(!table.isCompact)
        let values = Self.randomFingerprints(300_000, seed: 2)
        for v in values { #expect(table.insert(v)) }
        table.count = values.count
        table.grow(toHold: (1 << 23) - values.count)
        #expect(table.isCompact)
        table.grow(toHold: (1 << 24) - values.count)
        #expect(table.capacity == 1 << 25)
        for v in values { #expect(!table.insert(v)) }
        var seen: Set<UInt64> = []
        table.compact!.forEach { seen.insert($0) }
        #expect(seen == Set(values))
    }

    @Test func racingInsertsClaimEachFingerprintOnce() {
        let table = SharedFingerprintTable(expected: 7_000_000, compact: true)
        let values = Self.randomFingerprints(400_000, seed: 3)
        let wins = Atomic<Int>(0)
        let view = table.view
        // Four threads insert the same fingerprints in different orders.
        DispatchQueue.concurrentPerform(iterations: 4) { t in
            var won = 0
            for k in 0..<values.count where view.insert(values[(k * (2 * t + 1)) % values.count]) { won += 1 }
            wins.add(won, ordering: .relaxed)
        }
        #expect(wins.load(ordering: .relaxed) == values.count)
    }

    @Test func aSearchWithTheCompactSetReachesTheSameStates() {
        // 7^8 states: the table passes 2^23 slots, where the compact layout starts.
        let model = Counters(n: 8, modulus: 7)
        var limits = SearchLimits(expectedStates: 5_764_801)
        limits.compactVisitedSet = true
        let plain = BreadthFirstSearch(model: model, limits: SearchLimits(), workers: 2).run()
        let compact = BreadthFirstSearch(model: model, limits: limits, workers: 2).run()
        #expect(compact.statistics.distinctStates == 5_764_801)
        #expect(compact.statistics.distinctStates == plain.statistics.distinctStates)
        #expect(compact.statistics.transitions == plain.statistics.transitions)
        #expect(compact.statistics.visitedBytes < plain.statistics.visitedBytes)
    }
}
