import Testing
@testable import IOASIDModel

/// `OperationGroups` reads a group's bit from the enum's storage: every group must get a bit of
/// its own, and a set must answer exactly as the `Set` it replaced.
@Suite struct OperationGroupsTests {
    @Test func everyGroupHasItsOwnBit() {
        #expect(MemoryLayout<OperationGroup>.size == 1)
        let bits = OperationGroup.allCases.map(OperationGroups.bit)
        #expect(Set(bits).count == OperationGroup.allCases.count)
        #expect(bits.allSatisfy { $0.nonzeroBitCount == 1 })
    }

    @Test func membershipMatchesASet() {
        var rng = SplitMix64(state: 7)
        for _ in 0..<200 {
            let chosen = Set(OperationGroup.allCases.filter { _ in rng.index(2) == 0 })
            let groups = OperationGroups(chosen)
            for g in OperationGroup.allCases { #expect(groups.contains(g) == chosen.contains(g)) }
        }
    }
}
