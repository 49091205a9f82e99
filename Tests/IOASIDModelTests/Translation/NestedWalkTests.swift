import Testing
@testable import IOASIDModel

/// Two-stage walks (`translation.md` §4): reference counts and which stage faults where.
@Suite struct NestedWalkTests {
    /// A stage 2 that maps `[gpa, gpa + size)` with 4K leaves only (paddr off by one page mod 2M),
    /// so every stage-2 walk takes n references.
    func smallPageStage2(_ preset: FormatPreset, ranges: [(UInt64, UInt64)]) throws -> PageTable {
        var s2 = PageTable(preset: preset)
        for (gpa, size) in ranges {
            try s2.map(iova: gpa, paddr: 0x8000_0000 + gpa + s2.format.granule, size: size, permissions: .readWrite, stage: .stage2)
        }
        return s2
    }

    @Test(arguments: [(FormatPreset.armLPAE4K, 24), (.vtdSL5, 35), (.armLPAE64K, 15), (.tiny2x2, 8), (.mock, 3)])
    func missingEveryCacheCostsMTimesNPlusOneMinusOne(preset: FormatPreset, refs: Int) throws {
        let format = preset.format
        let g = format.granule
        let root = format.inputLimit / 4, data = format.inputLimit / 2
        let s2 = try smallPageStage2(preset, ranges: [(root, UInt64(format.levels) * g), (data, g)])
        var s1 = PageTable(preset: preset, rootAddress: root)
        try s1.map(iova: 0, paddr: data, size: g, permissions: .readWrite, placement: .guest(first: nil))
        let levels = format.levels
        #expect(refs == (levels + 1) * (levels + 1) - 1)
        let result = NestedWalk.walk(stage1: s1, stage2: s2, iova: 0, access: .read)
        #expect(result.translation?.refs == refs)
        #expect(result.translation?.output == 0x8000_0000 + data + g)
    }

    @Test func stage2FaultOnATableFetchNamesTheStage1Level() throws {
        let root: UInt64 = 0x100_0000
        var s2 = try smallPageStage2(.armLPAE4K, ranges: [(root, 0x3000)])
        var s1 = PageTable(preset: .armLPAE4K, rootAddress: root)
        try s1.map(iova: 0, paddr: 0x200_0000, size: 4096, permissions: .readWrite, placement: .guest(first: nil))
        // Tables at 0x1001000, 0x1002000 are mapped; the level-3 table at 0x1003000 is not.
        let fault = NestedWalk.walk(stage1: s1, stage2: s2, iova: 0).fault
        #expect(fault == Fault(kind: .translation, stage: .stage2, level: 3, refs: 3 * 5 + 4, site: .stage1TableFetch(level: 3)))
        // Mapping the table page but not the output moves the fault to the output.
        try s2.map(iova: root + 0x3000, paddr: 0x9000_0000, size: 4096, permissions: .read, stage: .stage2)
        let output = NestedWalk.walk(stage1: s1, stage2: s2, iova: 0).fault
        #expect(output?.site == .output)
        #expect(output?.stage == .stage2)
        #expect(output?.refs == 4 * 5 + 3) // stage 2 has no level-3 table at 0x2000000
    }

    @Test func stage2PermissionOnATableFetchIsReadOnly() throws {
        // Table fetches read; a write-only stage-2 leaf under a stage-1 table faults the fetch.
        let root: UInt64 = 0x8000
        var s2 = PageTable(preset: .tiny2x2)
        try s2.map(iova: root, paddr: 0x1000, size: 4096, permissions: .write, stage: .stage2)
        let s1 = PageTable(preset: .tiny2x2, rootAddress: root)
        let fault = NestedWalk.walk(stage1: s1, stage2: s2, iova: 0x4000).fault
        #expect(fault == Fault(kind: .permission, stage: .stage2, level: 1, refs: 2, site: .stage1TableFetch(level: 0)))
    }

    @Test func effectivePermissionsAreTheIntersectionOfBothStages() throws {
        var s2 = PageTable(preset: .tiny2x2)
        try s2.map(iova: 0, paddr: 0x10000, size: 64 << 10, permissions: .read, stage: .stage2)
        var s1 = PageTable(preset: .tiny2x2, rootAddress: 0x8000)
        try s1.map(iova: 0x4000, paddr: 0x4000, size: 16 << 10, permissions: .readWrite, placement: .guest(first: nil))
        let t = NestedWalk.walk(stage1: s1, stage2: s2, iova: 0x4000, access: .read).translation
        #expect(t?.permissions == .read)
        #expect(t?.refs == 1 + 1 + 1) // root fetch (16K leaf at stage 2: 1 ref) + descriptor + output walk
        #expect(NestedWalk.walk(stage1: s1, stage2: s2, iova: 0x4000, access: .write).fault?.stage == .stage2)
    }
}
