extension PageTable {
    /// `iommu_unmap(domain, iova, size)` (`drivers/iommu/iommu.c` `__iommu_unmap`): page sizes are
    /// chosen with `iommu_pgsize(iova, iova, …)` and each run handed to the table's `unmap_pages`;
    /// the loop stops at the first run that unmaps nothing.
    ///
    /// - Returns: bytes unmapped — 0 when `iova` or `size` is not a multiple of the smallest page,
    ///   short when a hole or a refused partial large leaf stops the loop, and possibly more than
    ///   `size` under `.clearWhole`.
    @discardableResult
    public mutating func unmap(iova: UInt64, size: UInt64, largeLeaf: UnmapLargeLeaf = .refuse,
                               placement: TablePlacement = .kernel) -> UInt64 {
        let minimum = pageSizes.smallest
        guard Bits.isAligned(iova | size, minimum) else { return 0 }
        var placement = placement
        var cursor = iova
        var unmapped: UInt64 = 0
        while unmapped < size {
            guard let run = PageSizeSelection.pick(pageSizes: pageSizes, iova: cursor, paddr: cursor,
                                                   size: size - unmapped) else { break }
            let got: UInt64
            switch largeLeaf {
            case .refuse, .split:
                got = unmapPagesARM(iova: cursor, run: run, split: largeLeaf == .split, placement: &placement)
            case .clearWhole:
                got = unmapPagesClearingWholeLeaves(iova: cursor, run: run)
            }
            if got == 0 { break }
            let (next, wrapped) = cursor.addingReportingOverflow(got)
            unmapped += got
            if wrapped { break }
            cursor = next
        }
        return unmapped
    }

    /// `__arm_lpae_unmap`: walk to the level whose leaves are `run.pageSize`; clear up to `run.count`
    /// entries there (a table entry frees its whole sub-table), stopping at an empty entry or the
    /// table's end. A larger leaf on the way is refused (0 bytes) or, with `split`, replaced by a
    /// table of next-level leaves (`arm_lpae_split_blk_unmap`) and the walk goes on.
    mutating func unmapPagesARM(iova: UInt64, run: PageRun, split: Bool, placement: inout TablePlacement) -> UInt64 {
        guard iova < format.inputLimit, let level = format.level(forLeafSize: run.pageSize) else { return 0 }
        for upper in 0..<level {
            if let hit = leafIndex(covering: iova), Int(leafStore[hit].level) == upper {
                guard split, splitLeaf(at: hit, placement: &placement) else { return 0 }
            } else if childTable(of: upper, for: iova) == nil {
                return 0 // WARN_ON(!pte)
            }
        }
        let count = min(run.count, format.entries(level) - format.index(iova, level: level))
        var cleared: UInt64 = 0
        while cleared < count {
            let slot = iova + cleared * run.pageSize
            if let hit = leafIndex(covering: slot), Int(leafStore[hit].level) == level {
                leafStore.remove(at: hit)
            } else if level + 1 < format.levels, tableIndex(level: level + 1, base: slot) != nil {
                freeSubtree(level: level + 1, base: slot)
            } else {
                break
            }
            cleared += 1
        }
        return cleared * run.pageSize
    }

    /// Replaces the leaf at `index` by a table of next-level leaves with the same permissions and
    /// contiguous outputs. Returns false (nothing changed) when the next level cannot hold leaves.
    mutating func splitLeaf(at index: Int, placement: inout TablePlacement) -> Bool {
        let leaf = leafStore[index]
        let child = Int(leaf.level) + 1
        guard child < format.levels, format.holdsLeaves(child) else { return false }
        let step = format.entrySize(child)
        let pieces = (0..<format.entries(child)).map { i in
            Leaf(iova: leaf.iova + i * step, output: leaf.output + i * step, level: UInt8(child), permissions: leaf.permissions)
        }
        leafStore.replaceSubrange(index...index, with: pieces)
        allocateTable(level: child, base: leaf.iova, placement: &placement)
        return true
    }

    /// `iommu_v1_unmap_pages` (AMD): for each position, clear the whole leaf that covers it and move
    /// past that leaf, until `run.bytes` are counted or no leaf covers the position.
    mutating func unmapPagesClearingWholeLeaves(iova: UInt64, run: PageRun) -> UInt64 {
        var cursor = iova
        var unmapped: UInt64 = 0
        while unmapped < run.bytes, let hit = leafIndex(covering: cursor) {
            let leaf = leafStore.remove(at: hit)
            let leafSize = size(of: leaf)
            unmapped += leafSize
            cursor = leaf.iova &+ leafSize
        }
        return unmapped
    }
}
