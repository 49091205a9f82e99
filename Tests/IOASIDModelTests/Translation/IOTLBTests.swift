import Testing
@testable import IOASIDModel

@Suite struct IOTLBTests {
    let gpu = RouteKey(device: 1, pasid: 0)

    func filled(_ table: PageTable, iova: UInt64, tag: UInt32 = 7, source: IOTLBSource = .kernel) -> IOTLB {
        var tlb = IOTLB()
        if let t = table.walk(iova).translation { tlb.fill(key: gpu, tag: tag, iova: iova, translation: t, source: source) }
        return tlb
    }

    @Test func aFilledEntryAgreesWithTheTableUntilTheTableChanges() throws {
        var table = PageTable(preset: .tiny2x2)
        try table.map(iova: 0x4000, paddr: 0x8000, size: 16 << 10, permissions: .read)
        var tlb = filled(table, iova: 0x5000)
        #expect(tlb.lookup(key: gpu, address: 0x7fff)?.output == 0x8000)
        #expect(tlb.staleEntries { table.walk($0.iova) }.isEmpty)

        table.unmap(iova: 0x4000, size: 16 << 10)
        #expect(tlb.staleEntries { table.walk($0.iova) }.count == 1)
        // The kernel's iotlb sync after the unmap removes it.
        tlb.invalidate(tag: 7, iova: 0x4000, length: 16 << 10)
        #expect(tlb.entries.isEmpty)
    }

    @Test func aRemapToAnotherAddressMakesTheEntryStale() throws {
        var table = PageTable(preset: .tiny2x2)
        try table.map(iova: 0, paddr: 0x1000, size: 4096, permissions: .readWrite)
        let tlb = filled(table, iova: 0)
        table.unmap(iova: 0, size: 4096)
        try table.map(iova: 0, paddr: 0x2000, size: 4096, permissions: .readWrite)
        #expect(tlb.staleEntries { table.walk($0.iova) }.map(\.output) == [0x1000])
    }

    @Test func invalidationIsScopedByTagRangeAndRoute() throws {
        var table = PageTable(preset: .tiny2x2)
        try table.map(iova: 0, paddr: 0, size: 64 << 10, permissions: .read)
        var tlb = IOTLB()
        for (i, iova) in [UInt64(0), 0x4000, 0x8000].enumerated() {
            tlb.fill(key: RouteKey(device: UInt32(i), pasid: 0), tag: UInt32(i % 2), iova: iova,
                     translation: table.walk(iova).translation!, source: .guest)
        }
        tlb.invalidate(tag: 0, iova: 0x8000, length: 0x4000)
        #expect(tlb.entries.map(\.iova) == [0, 0x4000])
        tlb.invalidate(key: RouteKey(device: 1, pasid: 0))
        #expect(tlb.entries.map(\.iova) == [0])
        tlb.invalidate(tag: 0)
        #expect(tlb.entries.isEmpty)
    }

    @Test func refillingAnOverlappingPageReplacesTheOldEntry() throws {
        var table = PageTable(preset: .tiny2x2)
        try table.map(iova: 0, paddr: 0, size: 16 << 10, permissions: .read)
        var tlb = filled(table, iova: 0x1000)
        table.unmap(iova: 0, size: 16 << 10)
        try table.map(iova: 0x1000, paddr: 0x9000, size: 4096, permissions: .read)
        tlb.fill(key: gpu, tag: 7, iova: 0x1000, translation: table.walk(0x1000).translation!, source: .kernel)
        #expect(tlb.entries.count == 1)
        #expect(tlb.entries.first?.pageSize == 4096)
    }
}
