/// Dirty tracking on a paging HWPT (`domain/iommufd.md` §5.2), as the reference tree has it:
/// `drivers/iommu/iommufd/hw_pagetable.c` (`iommufd_hwpt_set_dirty_tracking`,
/// `iommufd_hwpt_get_dirty_bitmap`) and `io_pagetable.c` (`iopt_set_dirty_tracking`,
/// `iopt_clear_dirty_data`, `iommufd_check_iova_range`, `iommu_read_and_clear_dirty`).
extension IOMMUFD {
    /// `IOMMU_HWPT_SET_DIRTY_TRACKING`.
    func setDirtyTracking(hwptID: UInt32, flags: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        typealias C = IOMMUFDConstants
        guard flags & ~C.IOMMU_HWPT_DIRTY_TRACKING_ENABLE == 0 else { throw .EOPNOTSUPP }
        // iommufd_get_hwpt_paging: anything but a HWPT_PAGING (a nested one too) is ENOENT.
        guard let h = s.paging(hwptID) else { throw .ENOENT }
        // iopt_set_dirty_tracking: a domain without dirty ops.
        guard let domain = s.hardware.domain(h.domain), domain.dirtyTracking else { throw .EOPNOTSUPP }
        let enable = flags & C.IOMMU_HWPT_DIRTY_TRACKING_ENABLE != 0
        if enable {
            // iopt_clear_dirty_data: read-and-clear over every area, then iommu_iotlb_sync on
            // what was cleared — a clean snapshot, and the promise starts afresh.
            clearDirtyBits(domain.dirty.bits, of: h.domain, &s)
        }
        try? s.hardware.update(h.domain) { d in
            d.dirty.enabled = enable
            d.dirty.owed = []
        }
        return .ok
    }

    /// `IOMMU_HWPT_GET_DIRTY_BITMAP`: the bits of `[iova, iova + length)` come back as outputs
    /// (`bitmap`: one bit per page of the first 64; `dirty_pages`: how many pages are set).
    func getDirtyBitmap(_ a: DirtyBitmapArgs, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        typealias C = IOMMUFDConstants
        let noClear = C.IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR
        guard a.flags & ~noClear == 0, a.reserved == 0 else { throw .EOPNOTSUPP }
        guard let h = s.paging(a.hwptID) else { throw .ENOENT }
        // iommufd_check_iova_range, with the kernel's unsigned arithmetic (a length of 0 is
        // U64_MAX bytes less one, so it passes only from IOVA 0).
        let (last, overflow) = a.iova.addingReportingOverflow(a.length &- 1)
        guard !overflow else { throw .EOVERFLOW }
        let align = alignment(of: h.ioas, s)
        guard a.iova & (align - 1) == 0, (last &+ 1) & (align - 1) == 0 else { throw .EINVAL }
        guard a.pageSize != 0 else { throw .EINVAL }
        guard a.iova & (a.pageSize - 1) == 0, (last &+ 1) & (a.pageSize - 1) == 0 else { throw .EINVAL }
        // iommu_read_and_clear_dirty: no read_and_clear op.
        guard let domain = s.hardware.domain(h.domain), domain.dirtyTracking else { throw .EOPNOTSUPP }
        let range = IOVARange(first: a.iova, last: last)
        let visited = contiguousAreas(from: range, in: s.ioas(h.ioas)?.areas ?? [])
        // The driver reads every leaf PTE that overlaps what it walks.
        let reported = domain.dirty.bits.filter { b in visited.contains { $0.intersects(b) } }
        let clears = a.flags & noClear == 0
        let reportedSet = Set(reported)
        let missed = domain.dirty.owed.first { o in visited.contains { $0.intersects(o) } && !reportedSet.contains(o) }
        try? s.hardware.update(h.domain) { d in
            if d.dirty.missed == nil { d.dirty.missed = missed }
            // A clearing read reports what it walked: those debts are paid (or, missed, lost).
            if clears { d.dirty.owed.removeAll { o in visited.contains { $0.intersects(o) } } }
        }
        if clears { clearDirtyBits(reported, of: h.domain, &s) }
        // iova_bitmap_alloc counts in pages of 1 << __ffs(page_size).
        let shift = UInt64(a.pageSize.trailingZeroBitCount)
        let pages = DirtyPages(reported.compactMap { $0.clamped(to: range) }, base: a.iova, shift: shift)
        return Outcome(.ok, outputs: [OutputField("bitmap", .number(pages.firstWord)), OutputField("dirty_pages", .number(pages.count))],
                       principal: pages.firstWord)
    }

    /// `iopt_for_each_contig_area` from the start of `range`: the areas that cover it without a
    /// gap. A gap ends the walk, and `iommu_read_and_clear_dirty` ignores the error that
    /// `iova_bitmap_for_each` returns for it: the ioctl succeeds with the bits before the gap.
    func contiguousAreas(from range: IOVARange, in areas: [Area]) -> [IOVARange] {
        var out: [IOVARange] = []
        var cursor = range.first
        for area in areas where area.range.last >= cursor {
            guard area.range.first <= cursor else { break }
            let end = min(range.last, area.range.last)
            out.append(IOVARange(first: cursor, last: end))
            if end == range.last { break }
            cursor = end + 1
        }
        return out
    }

    /// `IOMMU_TEST_OP_DIRTY` (selftest.c `iommufd_test_dirty`): page size, length and IOVA
    /// checked (EINVAL; a `stride` of 0 is the missing bitmap, EINVAL too), a mock paging HWPT
    /// (ENOENT, EINVAL), tracking on (EINVAL); then the mock sets the dirty bit of the leaf PTE
    /// under each set bit — a huge leaf once for all the pages it holds — as a DMA write through
    /// it would, and counts the bits (`out_nr_dirty`).
    func mockSetDirty(hwptID: UInt32, iova: UInt64, length: UInt64, pageSize: UInt64, stride: UInt64,
                      _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        guard pageSize != 0, length != 0, iova % pageSize == 0, length % pageSize == 0, stride != 0 else { throw .EINVAL }
        guard !iova.addingReportingOverflow(length - 1).overflow else { throw .EINVAL }
        guard let h = s.paging(hwptID), let d = s.hardware.domain(h.domain) else { throw .ENOENT }
        guard d.preset.format.family == .mock || d.preset.format.family == .tiny else { throw .EINVAL }
        guard d.dirty.enabled else { throw .EINVAL }
        let bits = length / pageSize
        var leaves: [IOVARange] = []
        var i: UInt64 = 0
        while i < bits {
            let at = iova + i * pageSize
            if let t = d.table.walk(at).translation {
                let first = at - at % t.pageSize
                leaves.append(IOVARange(first: first, last: first + (t.pageSize - 1)))
            }
            let (next, wrapped) = i.addingReportingOverflow(stride)
            if wrapped { break }
            i = next
        }
        try? s.hardware.update(h.domain) { d in d.dirty.recordWrites(leaves) }
        let count = (bits - 1) / stride + 1
        return Outcome(.ok, outputs: [OutputField("out_nr_dirty", .number(count))], principal: count)
    }

    /// Clears the dirty bits of `leaves` and syncs the IOTLB over them, as
    /// `iommu_read_and_clear_dirty` and `iopt_clear_dirty_data` do — or, under
    /// `dirty-clear = no-flush`, leaves entries that still claim the bits are set.
    func clearDirtyBits(_ leaves: [IOVARange], of domain: DomainID, _ s: inout IOMMUFDState) {
        guard !leaves.isEmpty else { return }
        // A set: a clearing read over a large range clears thousands of leaves.
        let cleared = Set(leaves)
        try? s.hardware.update(domain) { d in d.dirty.bits.removeAll { cleared.contains($0) } }
        guard config.dirtyClearFlushes else { return }
        for leaf in leaves { s.hardware.syncIOTLB(domain: domain, iova: leaf.first, length: leaf.length) }
    }
}

/// The pages of a bitmap that dirty ranges set: page `i` is `[base + i << shift, …)`.
struct DirtyPages {
    /// Bits of pages 0…63.
    var firstWord: UInt64 = 0
    /// Pages set in all.
    var count: UInt64 = 0

    init(_ ranges: [IOVARange], base: UInt64, shift: UInt64) {
        // Page index ranges, merged: two leaves may share a page larger than both.
        let spans = ranges.map { ((($0.first - base) >> shift), (($0.last - base) >> shift)) }.sorted { $0.0 < $1.0 }
        var merged: [(UInt64, UInt64)] = []
        for span in spans {
            if let top = merged.last, top.1 == .max || span.0 <= top.1 + 1 { merged[merged.count - 1].1 = max(top.1, span.1) } else { merged.append(span) }
        }
        for (first, last) in merged {
            // 2^64 one-byte pages do not fit a count: it saturates.
            let (span, wrapped) = (last - first).addingReportingOverflow(1)
            let (sum, over) = count.addingReportingOverflow(span)
            count = wrapped || over ? .max : sum
            guard first < 64 else { continue }
            let top = min(last, 63)
            let width = top - first + 1
            firstWord |= (width == 64 ? .max : (UInt64(1) << width) - 1) << first
        }
    }
}
