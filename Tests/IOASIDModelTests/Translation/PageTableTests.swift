import Testing
@testable import IOASIDModel

/// Map, unmap and walk on the radix table; each test states how the whole table changed.
@Suite struct PageTableTests {
    let K: UInt64 = 1 << 10
    let M: UInt64 = 1 << 20

    func leaf(_ iova: UInt64, _ output: UInt64, level: UInt8, _ p: Permissions = .readWrite) -> Leaf {
        Leaf(iova: iova, output: output, level: level, permissions: p)
    }

    @Test func mapLaysTheGreedyLeavesAndAllocatesTablesOnDemand() throws {
        var t = PageTable(preset: .tiny2x2)
        try t.map(iova: 0x3000, paddr: 0x3000, size: 24 * K, permissions: .readWrite)
        #expect(t.leaves == [leaf(0x3000, 0x3000, level: 1), leaf(0x4000, 0x4000, level: 0), leaf(0x8000, 0x8000, level: 1)])
        #expect(t.tables == [TableNode(level: 1, base: 0, address: 0), TableNode(level: 1, base: 0x8000, address: 0)])
    }

    @Test func mapOverALeafIsEEXISTAndLeavesTheTableAsItWas() throws {
        var t = PageTable(preset: .tiny2x2)
        try t.map(iova: 0, paddr: 0, size: 16 * K, permissions: .read)
        let before = t
        #expect(throws: Errno.EEXIST) { try t.map(iova: 0x1000, paddr: 0x9000, size: 4 * K, permissions: .read) }
        #expect(throws: Errno.EEXIST) { try t.map(iova: 0, paddr: 0x10000, size: 16 * K, permissions: .read) }
        #expect(t == before)
    }

    @Test func failedMultiRunMapRollsBackWhatItMapped() throws {
        var t = PageTable(preset: .armLPAE4K)
        try t.map(iova: 0x400000, paddr: 0x400000, size: 2 * M, permissions: .readWrite)
        #expect(throws: Errno.EEXIST) {
            try t.map(iova: 0x1ff000, paddr: 0x1ff000, size: 0x401000, permissions: .readWrite)
        }
        #expect(t.leaves == [leaf(0x400000, 0x400000, level: 2)])
    }

    @Test func mapArgumentErrors() {
        var t = PageTable(preset: .tiny2x2)
        #expect(throws: Errno.EINVAL) { try t.map(iova: 0x800, paddr: 0, size: 4 * K, permissions: .read) }
        #expect(throws: Errno.EINVAL) { try t.map(iova: 0, paddr: 0, size: 4 * K, permissions: []) }
        #expect(throws: Errno.EINVAL) { try t.map(iova: 0, paddr: 0, size: 4 * K, permissions: .cache) }
        #expect(throws: Errno.ERANGE) { try t.map(iova: 0xf000, paddr: 0, size: 8 * K, permissions: .read) }
        #expect(throws: Errno.ERANGE) { try t.map(iova: 0, paddr: UInt64.max - 4095, size: 8 * K, permissions: .read) }
        #expect(t == PageTable(preset: .tiny2x2))
        #expect((try? t.map(iova: 0, paddr: 0, size: 0, permissions: .read)) == 0)
    }

    @Test func writeOnlyOnAStageThatCannotHoldItBecomesReadWrite() throws {
        var s1 = PageTable(preset: .armLPAE4K)
        try s1.map(iova: 0, paddr: 0, size: 4 * K, permissions: .write, stage: .stage1)
        #expect(s1.leaves.first?.permissions == .readWrite)
        var s2 = PageTable(preset: .armLPAE4K)
        try s2.map(iova: 0, paddr: 0, size: 4 * K, permissions: .write, stage: .stage2)
        #expect(s2.leaves.first?.permissions == .write)
    }

    @Test(arguments: UnmapLargeLeaf.allCases)
    func unmapOfWholeLeavesIsTheSameUnderEveryBehaviour(behaviour: UnmapLargeLeaf) throws {
        var t = PageTable(preset: .tiny3x2)
        try t.map(iova: 0xf000, paddr: 0xf000, size: 0x11000, permissions: .readWrite)
        #expect(t.unmap(iova: 0xf000, size: 0x11000, largeLeaf: behaviour) == 0x11000)
        #expect(t.leaves.isEmpty)
    }

    @Test func partialLargeLeafUnderEachBehaviour() throws {
        var base = PageTable(preset: .tiny2x2)
        try base.map(iova: 0x4000, paddr: 0x8000, size: 16 * K, permissions: .read)

        var refuse = base
        #expect(refuse.unmap(iova: 0x5000, size: 4 * K, largeLeaf: .refuse) == 0)
        #expect(refuse == base)

        var split = base
        #expect(split.unmap(iova: 0x5000, size: 4 * K, largeLeaf: .split) == 4 * K)
        #expect(split.leaves == [leaf(0x4000, 0x8000, level: 1, .read), leaf(0x6000, 0xa000, level: 1, .read), leaf(0x7000, 0xb000, level: 1, .read)])
        #expect(split.tables == [TableNode(level: 1, base: 0x4000, address: 0)])

        var clear = base
        #expect(clear.unmap(iova: 0x5000, size: 4 * K, largeLeaf: .clearWhole) == 16 * K)
        #expect(clear.leaves.isEmpty)
        #expect(clear.tables.isEmpty)
    }

    @Test func unmapStopsAtTheFirstHole() throws {
        var t = PageTable(preset: .tiny2x2)
        try t.map(iova: 0, paddr: 0, size: 4 * K, permissions: .read)
        try t.map(iova: 0x2000, paddr: 0x2000, size: 4 * K, permissions: .read)
        #expect(t.unmap(iova: 0, size: 12 * K) == 4 * K)
        #expect(t.leaves == [leaf(0x2000, 0x2000, level: 1, .read)])
        #expect(t.unmap(iova: 0x1000, size: 8 * K) == 0)
        #expect(t.unmap(iova: 0x2800, size: 4 * K) == 0)
    }

    @Test func walkCountsReferencesAndFaultsAtTheFirstInvalidEntry() throws {
        var t = PageTable(preset: .armLPAE4K)
        #expect(t.walk(0x1000) == .fault(Fault(kind: .translation, stage: .stage1, level: 0, refs: 1)))
        try t.map(iova: 0x200000, paddr: 0x40000000, size: 4 * K, permissions: .read)
        #expect(t.walk(0x200123, access: .read) == .translated(Translation(output: 0x40000123, permissions: .read, pageSize: 4 * K, level: 3, refs: 4)))
        #expect(t.walk(0x200000, access: .write, stage: .stage2) == .fault(Fault(kind: .permission, stage: .stage2, level: 3, refs: 4)))
        #expect(t.walk(0x201000) == .fault(Fault(kind: .translation, stage: .stage1, level: 3, refs: 4)))
        #expect(t.walk(0x400000) == .fault(Fault(kind: .translation, stage: .stage1, level: 2, refs: 3)))
        #expect(t.walk(1 << 48) == .fault(Fault(kind: .addressSize, stage: .stage1, level: 0, refs: 0)))
    }

    @Test func guestTablesGoToTheLowestFreeGranuleAboveTheRoot() throws {
        var t = PageTable(preset: .armLPAE4K, rootAddress: 0x100000)
        try t.map(iova: 0, paddr: 0, size: 4 * K, permissions: .read, placement: .guest(first: nil))
        #expect(t.tables.map(\.address) == [0x101000, 0x102000, 0x103000])
        try t.map(iova: 0x200000, paddr: 0, size: 4 * K, permissions: .read, placement: .guest(first: 0x800000))
        #expect(t.tables.map(\.address).sorted() == [0x101000, 0x102000, 0x103000, 0x800000])
        t.unmap(iova: 0, size: 2 * M) // frees the level-3 table at 0x103000
        try t.map(iova: 0x400000, paddr: 0, size: 4 * K, permissions: .read, placement: .guest(first: nil))
        #expect(t.tables.map(\.address).sorted() == [0x101000, 0x102000, 0x103000, 0x800000])
    }

    @Test func equalContentsAreEqualAndHashEqual() throws {
        var a = PageTable(preset: .tiny3x2)
        var b = PageTable(preset: .tiny3x2)
        try a.map(iova: 0, paddr: 0x10000, size: 64 * K, permissions: .read)
        try a.map(iova: 0x20000, paddr: 0x1000, size: 8 * K, permissions: .read)
        try b.map(iova: 0x20000, paddr: 0x1000, size: 8 * K, permissions: .read)
        try b.map(iova: 0, paddr: 0x10000, size: 64 * K, permissions: .read)
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
    }
}
