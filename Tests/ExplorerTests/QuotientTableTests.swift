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
        // Same home and remainder except one bit, anywhere above the bits that pick the home.
        for b in table.compact!.lowBits..<64 {
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
        let low: UInt64 = 12345
        let crowd = (1...UInt64(500)).map { $0 << UInt64(slots.lowBits) | low }
        for f in crowd { #expect(table.insert(f)) }
        #expect(slots.overflow.count == 500 - (slots.maxDisplacement + 1))
        for f in crowd { #expect(!table.insert(f)) }
        var seen: Set<UInt64> = []
        slots.forEach { seen.insert($0) }
        #expect(seen.symmetricDifference(crowd).isEmpty)
    }

    @Test func growingIntoAndWithinTheCompactLayoutKeepsEveryFingerprint() {
        // The table never grows by itself (the search grows it between rounds).
        let table = SharedFingerprintTable(expected: 300_000, compact: true)
        #expect(!table.isCompact)
        let values = Self.randomFingerprints(300_000, seed: 2)
        for v in values { #expect(table.insert(v)) }
        table.count = values.count
        var capacities: [Int] = []
        for target in [1 << 21, 5_000_000, 6_000_000, 9_000_000] {
            table.grow(toHold: target - values.count)
            #expect(table.isCompact)
            capacities.append(table.capacity)
            for v in values { #expect(!table.insert(v)) }
            var seen: Set<UInt64> = []
            table.compact!.forEach { seen.insert($0) }
            #expect(seen.symmetricDifference(values).isEmpty)
        }
        // m · 2^j slots, m in 8…15, the smallest at most 27/32 full.
        #expect(capacities == [8 << 19, 12 << 19, 14 << 19, 11 << 20])
    }

    /// Every home of a quotient capacity that is not a power of two: a fingerprint whose low bits
    /// are either of the two that share a home is stored and read back exactly.
    @Test func capacitiesBetweenPowersOfTwoKeepEveryLowBitPattern() {
        for m in 9...15 {
            let table = SharedFingerprintTable(expected: 0, compact: true)
            table.grow(toHold: (m << 19) / 32 * 27)
            #expect(table.capacity == m << 19, "m = \(m)")
            let slots = table.compact!
            var values: [UInt64] = []
            for (k, r) in Self.randomFingerprints(4000, seed: UInt64(m)).enumerated() {
                // Low bits from the whole range, the top of it included.
                let low = k < 2 ? (1 << UInt64(slots.lowBits)) - 1 - UInt64(k) : r & ((1 << UInt64(slots.lowBits)) - 1)
                values.append(max(1, (r >> UInt64(slots.lowBits)) << UInt64(slots.lowBits) | low))
            }
            for v in values { _ = table.insert(v) }
            var seen: Set<UInt64> = []
            slots.forEach { seen.insert($0) }
            let wrong = seen.symmetricDifference(values).count
            #expect(wrong == 0, "m = \(m): \(wrong) fingerprints read back wrong")
        }
    }

    /// From 3/4 of the smallest quotient capacity (8 · 2^19 slots) on, a pre-sized table costs
    /// at most 8 bytes a fingerprint: 6-byte slots at a load of 3/4 or more.
    @Test func theCompactSetCostsUnderEightBytesAFingerprintWhenFull() {
        for expected in [3_145_728, 3_500_000, 5_764_801, 10_757_828, 99_011_858, 1 << 30] {
            let bytes = SharedFingerprintTable.bytes(forExpected: expected, compact: true)
            #expect(Double(bytes) / Double(expected) <= 8, "\(expected): \(bytes) bytes")
        }
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
