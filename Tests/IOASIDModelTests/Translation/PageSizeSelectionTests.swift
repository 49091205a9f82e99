import Testing
@testable import IOASIDModel

/// `iommu_pgsize()` / `iommu_map()` — the worked examples of `translation.md` §2 (bitmap 4K|2M|1G).
@Suite struct PageSizeSelectionTests {
    let sizes = PageSizes([4 << 10, 2 << 20, 1 << 30])

    func plan(_ iova: UInt64, _ paddr: UInt64, _ size: UInt64) -> [PageRun]? {
        PageSizeSelection.plan(pageSizes: sizes, iova: iova, paddr: paddr, size: size)
    }

    @Test func twoAlignedHugePagesAreTwo2MLeaves() {
        #expect(plan(0x200000, 0x4020_0000, 4 << 20) == [PageRun(pageSize: 2 << 20, count: 2)])
    }

    @Test func oneSmallPageUntilTheNextLargerSizeBecomesUsable() {
        #expect(plan(0x1ff000, 0x1ff000, 0x201000) == [PageRun(pageSize: 4096, count: 1), PageRun(pageSize: 2 << 20, count: 1)])
    }

    @Test func addressesThatNeverAgreeModulo2MGive1024SmallPages() {
        #expect(plan(0x200000, 0x201000, 4 << 20) == [PageRun(pageSize: 4096, count: 1024)])
    }

    @Test func oneGigabytePlusOnePage() {
        #expect(plan(0, 0, (1 << 30) + 4096) == [PageRun(pageSize: 1 << 30, count: 1), PageRun(pageSize: 4096, count: 1)])
    }

    @Test func misalignedArgumentsHaveNoPlanAsIommuMapsEINVAL() {
        #expect(plan(0x800, 0, 4096) == nil)
        #expect(plan(0, 0x800, 4096) == nil)
        #expect(plan(0, 0, 0x1800) == nil)
    }

    @Test func theCountStopsOnlyWhereAWholeLargerPageFitsAfterTheBoundary() {
        // 0x1ff000 + 2M - 4K: the boundary at 0x200000 is reached but no whole 2M fits after it.
        #expect(PageSizeSelection.pick(pageSizes: sizes, iova: 0x1ff000, paddr: 0x1ff000, size: 0x200000)
                == PageRun(pageSize: 4096, count: 512))
    }

    @Test func pickNeverOverflowsNearTheTopOfTheAddressSpace() {
        let run = PageSizeSelection.pick(pageSizes: sizes, iova: 0xffff_ffff_ffff_f000, paddr: 0xffff_ffff_ffff_f000, size: 4096)
        #expect(run == PageRun(pageSize: 4096, count: 1))
        #expect(PageSizeSelection.pick(pageSizes: sizes, iova: 0, paddr: 0, size: 0) == nil)
    }
}
