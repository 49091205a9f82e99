extension PageTable {
    /// `iommu_map(domain, iova, paddr, size, prot)` (`drivers/iommu/iommu.c` `__iommu_map`) over
    /// this table, laying the greedy largest-aligned leaves of `PageSizeSelection`.
    ///
    /// - Parameters:
    ///   - permissions: must include read or write; write without read becomes read+write on a stage
    ///     that cannot express write-only (`PageTableFormat.expressesWriteOnly(at:)`).
    ///   - stage: the stage this table serves.
    ///   - placement: where new intermediate tables go.
    /// - Throws: `EINVAL` when iova, paddr or size is not a multiple of the smallest page, or (after
    ///   the range) no access is requested; `ERANGE` when the range leaves the input space (or wraps);
    ///   `EEXIST` when a leaf already covers part of the range. On failure everything this call
    ///   mapped is unmapped again — but, as in the kernel, a table that a block replaced stays freed
    ///   and tables allocated on the way stay allocated.
    /// - Returns: the bytes mapped (`size`; a size of 0 maps nothing, as the kernel's loop does).
    @discardableResult
    public mutating func map(iova: UInt64, paddr: UInt64, size: UInt64, permissions: Permissions,
                             stage: TranslationStage = .stage1,
                             placement: TablePlacement = .kernel) throws(Errno) -> UInt64 {
        // iommu.c __iommu_map checks the alignment first; io-pgtable-arm.c arm_lpae_map_pages then
        // the range (WARN_ON(iaext || paddr >> oas) → -ERANGE) and only then the permission (a
        // map without read or write is -EINVAL in current trees; old ones mapped nothing).
        let minimum = pageSizes.smallest
        guard Bits.isAligned(iova | paddr | size, minimum) else { throw .EINVAL }
        guard size > 0 else { return 0 }
        let (iovaEnd, iovaWrapped) = iova.addingReportingOverflow(size)
        guard !iovaWrapped, iovaEnd <= format.inputLimit else { throw .ERANGE }
        guard !paddr.addingReportingOverflow(size).overflow else { throw .ERANGE }
        guard !permissions.isDisjoint(with: .readWrite) else { throw .EINVAL }

        var leafPermissions = permissions
        if permissions.contains(.write), !permissions.contains(.read), !format.expressesWriteOnly(at: stage) {
            leafPermissions.insert(.read)
        }
        var placement = placement
        var mapped: UInt64 = 0
        while mapped < size {
            guard let run = PageSizeSelection.pick(pageSizes: pageSizes, iova: iova + mapped,
                                                   paddr: paddr + mapped, size: size - mapped) else { break }
            do {
                mapped += try mapPages(iova: iova + mapped, paddr: paddr + mapped, run: run,
                                       permissions: leafPermissions, placement: &placement)
            } catch {
                // "unroll mapping in case something went wrong"
                if mapped > 0 { unmap(iova: iova, size: mapped) }
                throw error
            }
        }
        return mapped
    }

    /// `ops->map_pages` as io-pgtable-arm does it (`__arm_lpae_map`, `arm_lpae_init_pte`): walk to the
    /// level whose leaves are `run.pageSize`, allocating tables, then lay up to `run.count` leaves
    /// without crossing the end of that table.
    /// - Returns: the bytes mapped, which may be fewer than the run when the table ends first.
    mutating func mapPages(iova: UInt64, paddr: UInt64, run: PageRun, permissions: Permissions,
                           placement: inout TablePlacement) throws(Errno) -> UInt64 {
        guard let level = format.level(forLeafSize: run.pageSize) else { throw .EINVAL }
        for upper in 0..<level {
            // Descending through a level where a larger leaf sits: "We require an unmap first".
            if let hit = leafIndex(covering: iova), Int(leafStore[hit].level) == upper { throw .EEXIST }
            if childTable(of: upper, for: iova) == nil {
                allocateTable(level: upper + 1, base: Bits.alignDown(iova, format.entrySize(upper)), placement: &placement)
            }
        }
        let count = min(run.count, format.entries(level) - format.index(iova, level: level))
        for i in 0..<count {
            let slot = iova + i * run.pageSize
            if let hit = leafIndex(covering: slot), Int(leafStore[hit].level) == level { throw .EEXIST }
            // A block over a table entry: "unmap and free the old table before overwriting it with a
            // block entry" — even a table that still holds leaves.
            if level + 1 < format.levels, tableIndex(level: level + 1, base: slot) != nil {
                freeSubtree(level: level + 1, base: slot)
            }
        }
        let at = leafLowerBound(iova)
        let fresh = (0..<count).map { i in
            Leaf(iova: iova + i * run.pageSize, output: paddr + i * run.pageSize, level: UInt8(level), permissions: permissions)
        }
        leafStore.insert(contentsOf: fresh, at: at)
        return count * run.pageSize
    }
}
