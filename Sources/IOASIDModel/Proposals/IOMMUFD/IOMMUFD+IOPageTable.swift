/// The io_pagetable rules shared by MAP, COPY, attach and HWPT_ALLOC (`io_pagetable.c`).
extension IOMMUFD {
    /// `iopt->iova_alignment` (§3.7): the largest smallest-page of the IOAS's domains, with a
    /// PAGE_SIZE floor under `disable_large_pages`.
    func alignment(of ioasID: UInt32, _ s: IOMMUFDState) -> UInt64 {
        var a: UInt64 = (s.ioas(ioasID)?.disableLargePages ?? false) ? pageSize : 1
        // Every map asks, failing ones included: no array is built for the answer. An access
        // that pins pages asks for PAGE_SIZE (iopt_add_access).
        // By index: `for o in s.objects` copies each object, payload and references and all.
        for i in s.objects.indices {
            switch s.objects[i].body {
            case .hwptPaging(let h) where h.ioas == ioasID:
                if let d = s.hardware.domain(h.domain) { a = max(a, d.table.pageSizes.smallest) }
            case .access(let x) where x.ioas == ioasID && x.needsPin:
                a = max(a, pageSize)
            default:
                continue
            }
        }
        return a
    }

    /// Whether `range` meets `reserved(of:)` — the same regions, without building the list.
    func meetsReserved(_ range: IOVARange, of ioasID: UInt32, _ s: IOMMUFDState) -> Bool {
        if s.ioas(ioasID)?.testReserved.contains(where: { $0.intersects(range) }) == true { return true }
        for i in s.objects.indices {
            guard case .hwptPaging(let h) = s.objects[i].body, h.ioas == ioasID, let d = s.hardware.domain(h.domain) else { continue }
            // The aperture's complement meets the range unless the aperture holds it.
            if !topology.iommus[d.iommu].aperture.contains(range) { return true }
        }
        for a in s.attachments where a.pasid == 0 && s.ioasID(ofHWPT: a.hwpt) == ioasID {
            for device in topology.devices.indices where a.devices & (1 << UInt64(device)) != 0 {
                if topology.devices[device].reserved.contains(where: { $0.intersects(range) }) { return true }
            }
        }
        return false
    }

    /// `reserved_itree` (§3.6, §4.3): the aperture complement of each domain, and the reserved
    /// regions of each device that attached its RID to a HWPT of this IOAS, and the selftest's own.
    func reserved(of ioasID: UInt32, _ s: IOMMUFDState) -> [IOVARange] {
        var out: [IOVARange] = s.ioas(ioasID)?.testReserved ?? []
        for (_, h) in s.pagingHWPTs(on: ioasID) {
            if let d = s.hardware.domain(h.domain) { out += topology.iommus[d.iommu].aperture.complement }
        }
        for a in s.attachments where a.pasid == 0 && s.ioasID(ofHWPT: a.hwpt) == ioasID {
            for device in topology.devices.indices where a.devices & (1 << UInt64(device)) != 0 {
                out += topology.devices[device].reserved
            }
        }
        return out.sorted()
    }

    /// Bytes pinned and charged across the context, with `extra` areas about to be laid: the
    /// areas of IOASes that have a domain. Each MAP pins its own pages (its own `iopt_pages`); a
    /// COPY shares the source's, which are pinned and charged once, when some domain first needs
    /// them (pages.c `iopt_area_fill_domains` → `incr_user_locked_vm`). So a copied area counts
    /// the user memory no mapped original in a domain already pins, and copies of the same
    /// memory count it once (pages are told apart by user address).
    func pinnedBytes(_ s: IOMMUFDState, with extra: [Area] = []) -> UInt64 {
        // Without copies no page is shared, and the sum needs no lists (every map pins, so this
        // is the common case of the search).
        if let plain = unsharedPinnedBytes(s, with: extra) { return plain }
        var total: UInt64 = 0
        var originals: [IOVARange] = [], shared: [IOVARange] = []
        func add(_ area: Area) {
            // A dma-buf's pages are never accounted (pages.c: IOPT_PAGES_ACCOUNT_NONE).
            if area.isDmabuf { return }
            guard let va = IOVARange(start: area.userVA, length: area.range.length) else { return }
            if area.sharesPages { shared.append(va) } else { total &+= area.range.length; originals.append(va) }
        }
        for o in s.objects {
            guard case .ioas(let ioas) = o.body, s.hasPagingHWPT(on: o.id) else { continue }
            ioas.areas.forEach(add)
        }
        extra.forEach(add)
        for covered in IOVARange.merged(shared) {
            for part in IOVARange.holes(of: originals, in: covered) { total &+= part.length }
        }
        return total
    }

    /// `pinnedBytes` when no counted area shares its pages with another; nil otherwise.
    private func unsharedPinnedBytes(_ s: IOMMUFDState, with extra: [Area]) -> UInt64? {
        var total: UInt64 = 0
        func add(_ area: Area) -> Bool {
            if area.isDmabuf { return true }
            if area.sharesPages { return false }
            // An area whose user range wraps is not counted by the general path either.
            if IOVARange(start: area.userVA, length: area.range.length) != nil { total &+= area.range.length }
            return true
        }
        for o in s.objects {
            guard case .ioas(let ioas) = o.body, s.hasPagingHWPT(on: o.id) else { continue }
            for area in ioas.areas where !add(area) { return nil }
        }
        for area in extra where !add(area) { return nil }
        return total
    }

    /// Pins `areas` (EFAULT for memory that cannot be pinned as asked, ENOMEM past RLIMIT_MEMLOCK).
    /// `s` is the state before they count: not yet in the IOAS, or the IOAS not yet with a domain.
    func pin(_ areas: [Area], _ s: IOMMUFDState) throws(Errno) {
        for area in areas {
            if let e = topology.pinError(userVA: area.userVA, length: area.range.length, writable: area.writablePages) { throw e }
            if let e = filePinError(area, s) { throw e }
            // The mm behind the pages is gone (pages.c: no mm to pin from).
            if area.backing == .user, s.exitedProcesses & (1 << area.owner) != 0 { throw .EFAULT }
        }
        // With CAP_IPC_LOCK the pages are not accounted (IOPT_PAGES_ACCOUNT_NONE, pages.c
        // incr_user_locked_vm is never reached), so the limit never refuses.
        guard !topology.host.capIPCLock else { return }
        let before = pinnedBytes(s), after = pinnedBytes(s, with: areas)
        guard after <= before || after <= topology.host.pinLimit else { throw .ENOMEM }
    }

    /// Lays `area` in a domain's table (`iopt_area_fill_domain`): IOMMU_CACHE is always added, and
    /// under `disable_large_pages` the kernel maps one PAGE_SIZE at a time (`batch_iommu_map_small`).
    func lay(_ area: Area, in domain: inout Domain, smallPages: Bool) throws(Errno) {
        // A revoked dma-buf has no pages left to map (pages.c iopt_area_fill_domain).
        guard !area.revoked else { return }
        let perms = area.permissions.union(.cache)
        let chunk = smallPages ? max(pageSize, domain.table.pageSizes.smallest) : area.range.length
        var offset: UInt64 = 0
        while offset < area.range.length {
            let size = min(chunk, area.range.length - offset)
            do {
                try domain.table.map(iova: area.range.first + offset, paddr: area.userVA + offset, size: size,
                                     permissions: perms, stage: domain.stage)
            } catch {
                // The kernel's WARN paths (ERANGE past the table) surface as EINVAL from iommu_map.
                throw error == .ERANGE ? .EINVAL : error
            }
            offset += size
        }
    }

    /// Lays new areas in every domain of the IOAS, pinning first when it has domains (§3.3 step 8).
    func fillDomains(of ioasID: UInt32, with areas: [Area], _ s: inout IOMMUFDState) throws(Errno) {
        let hwpts = s.pagingHWPTs(on: ioasID)
        guard !hwpts.isEmpty else { return }
        try pin(areas, s)
        let small = s.ioas(ioasID)?.disableLargePages ?? false
        for (_, h) in hwpts {
            try s.hardware.update(h.domain) { d throws(Errno) in
                for area in areas { try lay(area, in: &d, smallPages: small) }
            }
        }
    }

    /// Removes `area` from every domain of the IOAS.
    func unlay(_ area: Area, from ioasID: UInt32, _ s: inout IOMMUFDState) {
        let mode = config.unmapLargeLeaf
        for (_, h) in s.pagingHWPTs(on: ioasID) {
            try? s.hardware.update(h.domain) { d in
                d.table.unmap(iova: area.range.first, size: area.range.length, largeLeaf: mode)
                // The area's pages leave the IOAS: their dirty bits go with their PTEs, and the
                // `dirty` promise covers only pages that stay mapped.
                if d.dirtyTracking { d.dirty.drop(area.range) }
            }
            s.hardware.syncIOTLB(domain: h.domain, iova: area.range.first, length: area.range.length, nested: config.nestedIOTLBFlush)
        }
    }

    /// `iopt_check_iova` for a fixed IOVA: alignment, overflow, reserved (EINVAL), areas (EEXIST).
    /// `align` is `alignment(of: ioasID, s)`, which the caller has already computed.
    func checkFixedIOVA(_ iova: UInt64, length: UInt64, ioasID: UInt32, align: UInt64, _ s: IOMMUFDState) throws(Errno) -> IOVARange {
        guard iova % align == 0 else { throw .EINVAL }
        guard let range = IOVARange(start: iova, length: length) else { throw .EOVERFLOW }
        if meetsReserved(range, of: ioasID, s) { throw .EINVAL }
        if s.ioasHasArea(ioasID, meeting: range) { throw .EEXIST }
        return range
    }

    /// `iopt_alloc_iova`: the lowest hole of reserved ∪ areas inside the allowed spans that fits
    /// `length` at the alignment the user VA suggests, keeping the VA's in-page offset.
    func allocateIOVA(userVA: UInt64, length: UInt64, ioasID: UInt32, _ s: IOMMUFDState) throws(Errno) -> UInt64 {
        guard length > 0, length < Self.ulongMax / 2 else { throw .EOVERFLOW }
        let pageOffset = userVA % pageSize
        let lengthAlignment = roundUpPowerOfTwo(length)
        var align = userVA == 0 ? lengthAlignment : min(lengthAlignment, UInt64(1) << UInt64(userVA.trailingZeroBitCount))
        if align >= topology.host.hugePageSize { align = topology.host.hugePageSize }
        guard align >= alignment(of: ioasID, s) else { throw .EINVAL }

        /// `__alloc_iova_check_range`: the aligned start inside [start, last] where length fits.
        func fit(_ start: UInt64, _ last: UInt64) -> UInt64? {
            let (bumped, overflow) = start.addingReportingOverflow(align - 1)
            guard !overflow else { return nil }
            let aligned = (bumped & ~(align - 1)) | pageOffset
            guard aligned < last, last - aligned >= length - 1 else { return nil }
            return aligned
        }
        let window = IOVARange(first: pageSize, last: Self.ulongMax - pageSize)
        let ioas = s.ioas(ioasID)!
        // io_pagetable.c iopt_alloc_iova walks the allow list with interval_tree_for_each_span:
        // touching ranges are one span ([0x1000, 0x1fff] and [0x2000, 0x2fff] hold an 8K map).
        var merged: [IOVARange] = []
        for r in ioas.allowed.sorted() {
            if let last = merged.last, last.last != .max, last.last + 1 >= r.first {
                merged[merged.count - 1] = IOVARange(first: last.first, last: max(last.last, r.last))
            } else {
                merged.append(r)
            }
        }
        let spans = ioas.allowed.isEmpty ? [window] : merged.compactMap { r -> IOVARange? in
            guard r.intersects(window) else { return nil }
            return IOVARange(first: max(r.first, window.first), last: min(r.last, window.last))
        }
        let used = reserved(of: ioasID, s) + ioas.areas.map(\.range)
        for span in spans {
            guard let start = fit(span.first, span.last) else { continue }
            for hole in IOVARange.holes(of: used, in: IOVARange(first: start, last: span.last)) {
                if let iova = fit(hole.first, hole.last) { return iova }
            }
        }
        throw .ENOSPC
    }

    func roundUpPowerOfTwo(_ x: UInt64) -> UInt64 {
        x <= 1 ? 1 : (x - 1).leadingZeroBitCount == 0 ? 1 << 63 : 1 << UInt64(64 - (x - 1).leadingZeroBitCount)
    }

    /// `iopt_map_pages` after the source pages are known: length and IOVA checks, area insertion
    /// (EPERM, in-page offset alignment), then the domains are filled.
    func mapPieces(_ pieces: [Area], length: UInt64, ioasID: UInt32, fixedIOVA: UInt64?, _ s: inout IOMMUFDState) throws(Errno) -> UInt64 {
        let align = alignment(of: ioasID, s)
        guard length > 0, length % align == 0 else { throw .EINVAL }
        let iova: UInt64
        if let fixedIOVA {
            iova = try checkFixedIOVA(fixedIOVA, length: length, ioasID: ioasID, align: align, s).first
        } else {
            iova = try allocateIOVA(userVA: pieces[0].userVA, length: length, ioasID: ioasID, s)
        }
        var placed: [Area] = []
        var cursor = iova
        for var piece in pieces {
            if piece.permissions.contains(.write), !piece.writablePages { throw .EPERM }
            guard (piece.userVA % pageSize) % align == 0 else { throw .EINVAL }
            guard let range = IOVARange(start: cursor, length: piece.range.length) else { throw .EOVERFLOW }
            piece.range = range
            placed.append(piece)
            cursor &+= piece.range.length
        }
        try fillDomains(of: ioasID, with: placed, &s)
        s.updateIOAS(ioasID) { ioas in
            ioas.areas.append(contentsOf: placed)
            ioas.areas.sort { $0.range.first < $1.range.first }
        }
        return iova
    }
}
