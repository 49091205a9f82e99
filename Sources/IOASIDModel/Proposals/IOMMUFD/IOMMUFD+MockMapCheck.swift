/// The selftest's `IOMMU_TEST_OP_MD_CHECK_MAP` (selftest.c `iommufd_test_md_check_pa`): a mock
/// paging domain translates every page of an IOVA range to the user memory the test names (on
/// this host a page's physical address is its user address).
extension IOMMUFD {
    func checkMockMap(hwptID: UInt32, iova: UInt64, length: UInt64, uptr: UInt64, _ s: IOMMUFDState) throws(Errno) -> Outcome {
        // get_md_pagetable: a HWPT_PAGING (ENOENT), of the mock driver (EINVAL).
        guard let h = s.paging(hwptID), let d = s.hardware.domain(h.domain) else { throw .ENOENT }
        guard d.preset.format.family == .mock || d.preset.format.family == .tiny else { throw .EINVAL }
        let page = d.table.pageSizes.smallest
        guard iova % page == 0, length % page == 0, uptr % page == 0, !uptr.addingReportingOverflow(length).overflow else { throw .EINVAL }
        // Leaf by leaf rather than page by page: a step's cost follows the table, not the length.
        var offset: UInt64 = 0
        while offset < length {
            let (at, wrapped) = iova.addingReportingOverflow(offset)
            guard !wrapped, let t = d.table.walk(at).translation, t.output == uptr + offset else { throw .EINVAL }
            offset += t.pageSize - (at % t.pageSize)
        }
        return .ok
    }

    /// `IOMMU_TEST_OP_MD_CHECK_REFS` (selftest.c `iommufd_test_md_check_refs`): page-aligned and
    /// not wrapping (EINVAL); each page must be mapped in the caller (EFAULT) and, unless it is a
    /// huge page, pinned `refs` times (EIO). A page is pinned once per `iopt_pages` holding it
    /// while some domain or access needs it: the model counts each map's own pages (an area
    /// that is not a COPY's) covering the page in an IOAS with a domain, or pinned there by an
    /// access, and a COPY's pages once when no map's own pages are pinned there [M: two maps of
    /// the same memory whose only pins come through copies count once].
    func checkRefs(uptr: UInt64, length: UInt64, refs: UInt32, _ s: IOMMUFDState) throws(Errno) -> Outcome {
        guard length % pageSize == 0, uptr % pageSize == 0, !uptr.addingReportingOverflow(length).overflow else { throw .EINVAL }
        guard length > 0 else { return .ok }
        let range = IOVARange(first: uptr, last: uptr + (length - 1))
        var candidates: [(area: Area, ioas: UInt32)] = []
        for o in s.objects {
            guard case .ioas(let x) = o.body else { continue }
            for a in x.areas where a.owner == 0 && !a.isDmabuf {
                if let va = IOVARange(start: a.userVA, length: a.range.length), va.intersects(range) { candidates.append((a, o.id)) }
            }
        }
        // One page at a time, but only at the boundaries where the answer can change.
        var cuts: [UInt64] = [range.first]
        for c in candidates {
            var edges = [c.area.userVA, c.area.userVA &+ c.area.range.length]
            // Where an access's pins begin and end inside the area.
            for o in s.objects {
                guard case .access(let x) = o.body else { continue }
                for item in x.items where item.ioas == c.ioas && item.range.intersects(c.area.range) {
                    let lo = max(item.range.first, c.area.range.first), hi = min(item.range.last, c.area.range.last)
                    edges += [c.area.userVA &+ (lo - c.area.range.first), c.area.userVA &+ (hi - c.area.range.first) &+ 1]
                }
            }
            for edge in edges where edge > range.first && edge <= range.last {
                cuts.append(edge / pageSize * pageSize)
                // The page after a boundary inside a page starts a page of its own.
                if edge % pageSize != 0, edge / pageSize * pageSize &+ pageSize <= range.last { cuts.append(edge / pageSize * pageSize &+ pageSize) }
            }
        }
        for page in Set(cuts).sorted() {
            let at = IOVARange(first: page, last: page + (pageSize - 1))
            if let e = topology.pinError(userVA: page, length: pageSize, writable: false) { throw e }
            if topology.memory.contains(where: { $0.kind == .huge && $0.range.intersects(at) }) { continue }
            var own = 0, viaCopy = false
            for c in candidates {
                guard let va = IOVARange(start: c.area.userVA, length: c.area.range.length), va.intersects(at),
                      pinned(c.area, in: c.ioas, at: page, s) else { continue }
                if c.area.sharesPages { viaCopy = true } else { own += 1 }
            }
            if UInt32(own + (own == 0 && viaCopy ? 1 : 0)) != refs { throw .EIO }
        }
        return .ok
    }

    /// Whether the page at user address `page` of `area` is pinned: its IOAS has a domain, or an
    /// access pinned the IOVA it is at.
    func pinned(_ area: Area, in ioasID: UInt32, at page: UInt64, _ s: IOMMUFDState) -> Bool {
        if s.hasPagingHWPT(on: ioasID) { return true }
        let offset = page > area.userVA ? page - area.userVA : 0
        let iova = IOVARange(first: area.range.first &+ offset, last: min(area.range.last, area.range.first &+ offset &+ (pageSize - 1)))
        for o in s.objects {
            guard case .access(let x) = o.body else { continue }
            if x.items.contains(where: { $0.ioas == ioasID && $0.range.intersects(iova) }) { return true }
        }
        return false
    }
}
