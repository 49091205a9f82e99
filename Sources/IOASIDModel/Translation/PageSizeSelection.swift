/// One step of `iommu_map()` / `iommu_unmap()`: `count` pages of `pageSize` bytes.
public struct PageRun: Hashable, Sendable {
    public var pageSize: UInt64
    public var count: UInt64
    @inlinable public init(pageSize: UInt64, count: UInt64) {
        self.pageSize = pageSize
        self.count = count
    }
    public var bytes: UInt64 { pageSize * count }
}

/// The kernel's page-size choice, `iommu_pgsize()` in `drivers/iommu/iommu.c`.
public enum PageSizeSelection {
    /// The largest page in `pageSizes` that fits in `size` and is aligned to both `iova` and
    /// `paddr`, and how many of them to lay before the next larger page becomes usable.
    ///
    /// Mirrors `iommu_pgsize()`: candidates ≤ size; constrained by the alignment of `iova | paddr`;
    /// the count stops at the boundary where the next larger supported size P' could start, but
    /// only if iova and paddr agree modulo P' and a whole P' fits after that boundary.
    /// - Returns: nil where the kernel would `BUG_ON(!pgsizes)` (size smaller than every page, or
    ///   addresses not aligned to the smallest page) — callers check alignment first, as `iommu_map` does.
    @inlinable
    public static func pick(pageSizes: PageSizes, iova: UInt64, paddr: UInt64, size: UInt64) -> PageRun? {
        guard size > 0 else { return nil }
        let addrMerge = iova | paddr
        var candidates = pageSizes.bitmap & Bits.genmask(Bits.fls(size))
        if addrMerge != 0 { candidates &= Bits.genmask(Bits.ffs(addrMerge)) }
        guard candidates != 0 else { return nil }
        let index = Bits.fls(candidates)
        let pageSize: UInt64 = 1 << UInt64(index)
        var span = size
        let larger = pageSizes.bitmap & ~Bits.genmask(index)
        if larger != 0 {
            let next: UInt64 = 1 << UInt64(Bits.ffs(larger))
            if (iova ^ paddr) & (next - 1) == 0 {
                let offset = next - (addrMerge & (next - 1))
                // `offset + next <= size`, written so that it cannot overflow.
                if offset <= size && next <= size - offset { span = offset }
            }
        }
        return PageRun(pageSize: pageSize, count: span >> UInt64(index))
    }

    /// The leaves `iommu_map(iova, paddr, size)` lays, as the sequence of runs it asks the page
    /// table for; nil when the arguments are not aligned to the smallest page (EINVAL).
    public static func plan(pageSizes: PageSizes, iova: UInt64, paddr: UInt64, size: UInt64) -> [PageRun]? {
        let minimum = pageSizes.smallest
        guard minimum != 0, Bits.isAligned(iova | paddr | size, minimum) else { return nil }
        var runs: [PageRun] = []
        var (iova, paddr, left) = (iova, paddr, size)
        while left > 0, let run = pick(pageSizes: pageSizes, iova: iova, paddr: paddr, size: left) {
            runs.append(run)
            iova &+= run.bytes
            paddr &+= run.bytes
            left -= run.bytes
        }
        return runs
    }
}
