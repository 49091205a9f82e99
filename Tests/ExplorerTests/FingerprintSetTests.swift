import Testing
@testable import Explorer

@Suite struct FingerprintSetTests {
    @Test func growthByRehashingLosesNothing() {
        var set = FingerprintSet(expected: 1)
        let initial = set.capacity
        var values: [UInt64] = []
        for i in 0..<UInt64(100_000) {
            var f = Fingerprint()
            f.mix(i)
            values.append(f.value)
            let inserted = set.insert(f.value)
            #expect(inserted)
        }
        #expect(set.capacity > initial)
        #expect(set.count == Set(values).count)
        let present = values.allSatisfy { set.contains($0) }
        #expect(present)
        let again = set.insert(values[0])
        #expect(!again)
        #expect(set.count * 4 <= set.capacity * 3)
    }

    @Test func fingerprintsAreDeterministicAndNeverZero() {
        var a = Fingerprint(), b = Fingerprint()
        a.mix(42)
        b.mix(42)
        #expect(a.value == b.value)
        // Pinned: the hash must not change between releases, or saved traces and counts would.
        #expect(a.value == Fingerprint.pinned42)
        var c = Fingerprint()
        c.mix(43)
        #expect(c.value != a.value)
    }
}

extension Fingerprint {
    /// The fingerprint of the single word 42 under the seed and rounds of `Fingerprint`, computed
    /// independently (by hand, from the formula in its source) and pinned.
    static let pinned42: UInt64 = 0x8bcd_207d_dbd7_487a
}
