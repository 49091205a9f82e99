/// IOAS ioctls (`ioas.c`), checks in the order of `domain/iommufd.md` §3 and §10.
extension IOMMUFD {
    /// `IOMMU_IOAS_ALLOC` (§3.2).
    func ioasAlloc(flags: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        guard flags == 0 else { throw .EOPNOTSUPP }
        let id = s.insertObject(.ioas(IOAS()))
        return Outcome(.ok, outputs: [OutputField("out_ioas_id", .number(UInt64(id)))], principal: UInt64(id))
    }

    /// `IOMMU_IOAS_MAP` (§3.3).
    func ioasMap(_ a: IOASMapArgs, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        typealias C = IOMMUFDConstants
        let perms = try mapRequest(flags: a.flags, reserved: a.reserved, iova: a.iova, length: a.length)
        guard s.hasIOAS(a.ioasID) else { throw .ENOENT }
        guard a.process <= IOMMUFD.maxProcess else { throw .EINVAL }
        let fixed = a.flags & C.IOMMU_IOAS_MAP_FIXED_IOVA != 0 ? a.iova : nil
        let iova = try mapUserPages(ioasID: a.ioasID, fixedIOVA: fixed, length: a.length, userVA: a.userVA, permissions: perms,
                                    owner: a.process, &s)
        return Outcome(.ok, outputs: [OutputField("iova", .number(iova))], principal: iova)
    }

    /// The checks `IOMMU_IOAS_MAP` and `IOMMU_IOAS_MAP_FILE` make before the IOAS lookup (ioas.c):
    /// unknown flags or reserved bits EOPNOTSUPP, values a 32-bit `unsigned long` cannot hold
    /// EOVERFLOW, neither READ nor WRITE EINVAL. The permissions asked for.
    func mapRequest(flags: UInt32, reserved: UInt32, iova: UInt64, length: UInt64) throws(Errno) -> Permissions {
        typealias C = IOMMUFDConstants
        guard flags & ~C.mapFlags == 0, reserved == 0 else { throw .EOPNOTSUPP }
        guard iova < Self.ulongMax, length < Self.ulongMax else { throw .EOVERFLOW }
        var perms: Permissions = []
        if flags & C.IOMMU_IOAS_MAP_READABLE != 0 { perms.insert(.read) }
        if flags & C.IOMMU_IOAS_MAP_WRITEABLE != 0 { perms.insert(.write) }
        guard !perms.isEmpty else { throw .EINVAL }
        return perms
    }

    /// `iopt_map_user_pages`, shared by `IOMMU_IOAS_MAP` and VFIO's `MAP_DMA`: the IOVA it chose.
    func mapUserPages(ioasID: UInt32, fixedIOVA: UInt64?, length: UInt64, userVA: UInt64, permissions perms: Permissions,
                      owner: UInt8 = 0, _ s: inout IOMMUFDState) throws(Errno) -> UInt64 {
        // io_pagetable.c iopt_alloc_pages, before any alignment check, for fixed and automatic
        // IOVAs alike: a length of 0 or above SIZE_MAX - PAGE_SIZE is EINVAL (it guards a
        // DIV_ROUND_UP), then a user range that wraps is EOVERFLOW.
        guard length != 0, length <= UInt64.max - pageSize else { throw .EINVAL }
        guard !userVA.addingReportingOverflow(length).overflow else { throw .EOVERFLOW }
        var piece = Area(range: IOVARange(first: 0, last: length - 1), userVA: userVA, permissions: perms,
                         writablePages: perms.contains(.write))
        piece.owner = owner
        return try mapPieces([piece], length: length, ioasID: ioasID, fixedIOVA: fixedIOVA, &s)
    }

    /// `IOMMU_IOAS_UNMAP` (§3.4): whole areas only, in IOVA order, and not atomic — areas removed
    /// before a failing one stay removed.
    /// `alsoLocked`: ranges a design pins beyond the kernel's own (bind-table's memreserves).
    func ioasUnmap(ioasID: UInt32, iova: UInt64, length: UInt64, alsoLocked: [IOVARange] = [], _ s: inout IOMMUFDState) -> Step {
        guard s.hasIOAS(ioasID) else { return Step(outcome: .errno(.ENOENT)) }
        if iova == 0 && length == UInt64.max { return unmapRange(.all, of: ioasID, emptyIsOK: true, alsoLocked: alsoLocked, &s) }
        guard iova < Self.ulongMax, length < Self.ulongMax else { return Step(outcome: .errno(.EOVERFLOW)) }
        return unmapIOVA(iova, length: length, of: ioasID, alsoLocked: alsoLocked, &s)
    }

    /// `iopt_unmap_iova`: a length of 0 is EINVAL, a range that wraps EOVERFLOW.
    /// `emptyIsENOENT`: whether a range with nothing in it fails; since upstream afb47765f923 only
    /// `IOMMU_IOAS_UNMAP` says so (ioas.c), and VFIO's compat unmap reports size 0.
    func unmapIOVA(_ iova: UInt64, length: UInt64, of ioasID: UInt32, alsoLocked: [IOVARange] = [], emptyIsENOENT: Bool = true,
                   _ s: inout IOMMUFDState) -> Step {
        guard length > 0 else { return Step(outcome: .errno(.EINVAL)) }
        guard let range = IOVARange(start: iova, length: length) else { return Step(outcome: .errno(.EOVERFLOW)) }
        return unmapRange(range, of: ioasID, emptyIsOK: !emptyIsENOENT, alsoLocked: alsoLocked, &s)
    }

    /// `iopt_unmap_iova_range` over `range`; `emptyIsOK`: nothing unmapped is no failure (unmap-all).
    func unmapRange(_ range: IOVARange, of ioasID: UInt32, emptyIsOK: Bool, alsoLocked: [IOVARange], _ s: inout IOMMUFDState) -> Step {
        guard let ioas = s.ioas(ioasID) else { return Step(outcome: .errno(.ENOENT)) }
        let locked = lockedRanges(ioasID, s) + queueLockedRanges(ioasID, s) + alsoLocked
        var unmapped: UInt64 = 0
        var removed = false
        var failure: Errno?
        for area in ioas.areas where area.range.intersects(range) {
            if locked.contains(where: { $0.intersects(area.range) }) { failure = .EBUSY; break }
            guard range.contains(area.range) else { failure = .ENOENT; break }
            // io_pagetable.c iopt_unmap_iova_range: pinned by accesses, the area is fenced
            // (prevent_access), their drivers are told to unmap, and the walk retries; a driver
            // that keeps its pins exhausts the retries (WARN, EDEADLOCK; the fence stays).
            if accessesPin(area, of: ioasID, s), !releaseAccesses(of: area, in: ioasID, &s) {
                return Step(outcome: .errno(.EDEADLOCK), keepsPartialState: true)
            }
            unlay(area, from: ioasID, &s)
            s.updateIOAS(ioasID) { $0.areas.removeAll { $0.range == area.range } }
            // io_pagetable.c iopt_unmap_iova_range sums into an unsigned long: areas covering all
            // 2^64 bytes (only unmap-all can) wrap it to 0.
            unmapped &+= area.range.length
            removed = true
        }
        if removed { tidyDmabufs(&s) }
        if let failure { return Step(outcome: .errno(failure), keepsPartialState: removed) }
        if unmapped == 0, !emptyIsOK { return Step(outcome: .errno(.ENOENT)) }
        return Step(outcome: Outcome(.ok, outputs: [OutputField("length", .number(unmapped))], principal: unmapped))
    }

    /// Stage-2 ranges that hold a live guest stage-1 table page, under `stage2-pin-tables = yes`
    /// (the memreserve fix of H8: such areas are locked like a HW queue's, §3.4).
    func lockedRanges(_ ioasID: UInt32, _ s: IOMMUFDState) -> [IOVARange] {
        guard config.stage2PinTables else { return [] }
        // Every stage-1 table nested over one of this IOAS's domains: iommufd's nested HWPTs,
        // dev-ioasid's nested IOASIDs, bind-table's guest tables.
        let parents = Set(s.pagingHWPTs(on: ioasID).map(\.hwpt.domain))
        var out: [IOVARange] = []
        for d in s.hardware.domains where !d.freed {
            guard let p = d.parent, parents.contains(p) else { continue }
            let granule = d.table.format.granule
            for address in [d.table.rootAddress] + d.table.tables.map(\.address) {
                out.append(IOVARange(first: address, last: address &+ (granule - 1)))
            }
        }
        return out
    }

    /// `IOMMU_IOAS_COPY` (§3.5): any sub-range of contiguous source areas, mapped like MAP.
    func ioasCopy(_ a: IOASCopyArgs, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        typealias C = IOMMUFDConstants
        guard a.flags & ~C.mapFlags == 0 else { throw .EOPNOTSUPP }
        guard a.length < Self.ulongMax, a.srcIOVA < Self.ulongMax, a.dstIOVA < Self.ulongMax else { throw .EOVERFLOW }
        var perms: Permissions = []
        if a.flags & C.IOMMU_IOAS_MAP_READABLE != 0 { perms.insert(.read) }
        if a.flags & C.IOMMU_IOAS_MAP_WRITEABLE != 0 { perms.insert(.write) }
        guard !perms.isEmpty else { throw .EINVAL }
        guard let src = s.ioas(a.srcIOASID) else { throw .ENOENT }
        // iopt_get_pages: a contiguous run of areas from src_iova to its end.
        guard a.length > 0 else { throw .EINVAL }
        guard let want = IOVARange(start: a.srcIOVA, length: a.length) else { throw .EOVERFLOW }
        var pieces: [Area] = []
        var cursor = want.first
        var covered = false
        for area in src.areas where area.range.last >= cursor {
            guard area.range.contains(cursor) else { break }
            let last = min(area.range.last, want.last)
            var piece = Area(range: IOVARange(first: 0, last: last - cursor), userVA: area.userVA + (cursor - area.range.first),
                             permissions: perms, writablePages: area.writablePages, sharesPages: true)
            // The copy shares the source's iopt_pages: the same file or dma-buf, revoked or not.
            piece.backing = area.backing
            piece.revoked = area.revoked
            piece.owner = area.owner
            pieces.append(piece)
            if last == want.last { covered = true; break }
            cursor = last + 1
        }
        guard covered else { throw .ENOENT }
        guard s.hasIOAS(a.dstIOASID) else { throw .ENOENT }
        let fixed = a.flags & C.IOMMU_IOAS_MAP_FIXED_IOVA != 0 ? a.dstIOVA : nil
        let iova = try mapPieces(pieces, length: a.length, ioasID: a.dstIOASID, fixedIOVA: fixed, &s)
        return Outcome(.ok, outputs: [OutputField("dst_iova", .number(iova))], principal: iova)
    }

    /// `IOMMU_IOAS_ALLOW_IOVAS` (§3.6): replaces the allow list atomically.
    func allowIOVAs(ioasID: UInt32, ranges: [IOVARange], reserved: UInt32, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        guard reserved == 0 else { throw .EOPNOTSUPP }
        guard s.hasIOAS(ioasID) else { throw .ENOENT }
        var accepted: [IOVARange] = []
        for r in ranges {
            guard r.first < r.last else { throw .EINVAL }
            guard !accepted.contains(where: { $0.intersects(r) }) else { throw .EINVAL }
            accepted.append(r)
        }
        let held = self.reserved(of: ioasID, s)
        guard !accepted.contains(where: { r in held.contains { $0.intersects(r) } }) else { throw .EADDRINUSE }
        s.updateIOAS(ioasID) { $0.allowed = accepted.sorted() }
        try rewindow(ioasID, &s)
        return .ok
    }

    /// The selftest's `IOMMU_TEST_OP_ADD_RESERVED` (selftest.c iommufd_test_add_reserved →
    /// io_pagetable.c iopt_reserve_iova with no owner): refused over an area or an allowed range
    /// (EADDRINUSE), kept until the IOAS is destroyed. The reference tree computes
    /// `start + length - 1` unchecked, so an empty or wrapping range becomes an inverted
    /// interval-tree node; the model refuses those (EINVAL) instead of following it.
    func addReserved(ioasID: UInt32, start: UInt64, length: UInt64, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        guard let ioas = s.ioas(ioasID) else { throw .ENOENT }
        guard let range = IOVARange(start: start, length: length) else { throw .EINVAL }
        if ioas.areas.contains(where: { $0.range.intersects(range) }) || ioas.allowed.contains(where: { $0.intersects(range) }) {
            throw .EADDRINUSE
        }
        s.updateIOAS(ioasID) { x in
            x.testReserved.append(range)
            x.testReserved.sort()
        }
        return .ok
    }

    /// `IOMMU_IOAS_IOVA_RANGES` (§3.6): the holes of the reserved tree; EMSGSIZE with the total
    /// when they do not fit.
    func iovaRanges(ioasID: UInt32, capacity: UInt32, reserved: UInt32, _ s: IOMMUFDState) throws(Errno) -> Outcome {
        guard reserved == 0 else { throw .EOPNOTSUPP }
        guard s.hasIOAS(ioasID) else { throw .ENOENT }
        let holes = IOVARange.holes(of: self.reserved(of: ioasID, s))
        let count = OutputField("num_iovas", .number(UInt64(holes.count)))
        guard holes.count <= capacity else { throw .EMSGSIZE }
        return Outcome(.ok, outputs: [count, OutputField("out_iova_alignment", .number(alignment(of: ioasID, s))),
                                      OutputField("start", .array(holes.map(\.first))), OutputField("last", .array(holes.map(\.last)))],
                       principal: UInt64(holes.count))
    }

    /// The outputs `IOMMU_IOAS_IOVA_RANGES` writes back with EMSGSIZE: ioas.c
    /// iommufd_ioas_iova_ranges copies the ranges that fit, counts them all, and copies the
    /// struct (num_iovas, out_iova_alignment) back before it returns EMSGSIZE.
    func iovaRangesOverflow(ioasID: UInt32, capacity: UInt32, _ s: IOMMUFDState) -> [OutputField] {
        let holes = IOVARange.holes(of: reserved(of: ioasID, s))
        let fit = holes.prefix(Int(capacity))
        return [OutputField("num_iovas", .number(UInt64(holes.count))), OutputField("out_iova_alignment", .number(alignment(of: ioasID, s))),
                OutputField("start", .array(fit.map(\.first))), OutputField("last", .array(fit.map(\.last)))]
    }

    /// `IOMMU_OPTION` (§3.8). RLIMIT_MODE SET needs CAP_SYS_RESOURCE (`host cap-sys-resource`).
    func option(_ optionID: UInt32, op: UInt16, objectID: UInt32, value: UInt64, reserved: UInt32,
                _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        typealias C = IOMMUFDConstants
        guard reserved == 0 else { throw .EOPNOTSUPP }
        switch optionID {
        case C.IOMMU_OPTION_RLIMIT_MODE:
            guard objectID == 0 else { throw .EOPNOTSUPP }
            // ioas.c iommufd_option_rlimit_mode: GET reads the mode; SET needs the capability,
            // an fd without objects, and 0 or 1.
            if op == C.IOMMU_OPTION_OP_GET {
                let v = UInt64(s.accountMode)
                return Outcome(.ok, outputs: [OutputField("val64", .number(v))], principal: v)
            }
            guard op == C.IOMMU_OPTION_OP_SET else { throw .EOPNOTSUPP }
            guard topology.host.capSysResource else { throw .EPERM }
            guard s.objects.isEmpty else { throw .EBUSY }
            guard value <= 1 else { throw .EINVAL }
            s.accountMode = UInt8(value)
            return .ok
        case C.IOMMU_OPTION_HUGE_PAGES:
            guard let ioas = s.ioas(objectID) else { throw .ENOENT }
            if op == C.IOMMU_OPTION_OP_GET {
                let v: UInt64 = ioas.disableLargePages ? 0 : 1
                return Outcome(.ok, outputs: [OutputField("val64", .number(v))], principal: v)
            }
            guard op == C.IOMMU_OPTION_OP_SET else { throw .EOPNOTSUPP }
            switch value {
            case 1:
                s.updateIOAS(objectID) { $0.disableLargePages = false }
            case 0:
                try disableLargePages(objectID, &s)
            default:
                throw .EINVAL
            }
            return .ok
        default:
            throw .EOPNOTSUPP
        }
    }

    /// `iopt_check_iova_alignment` after the alignment rose: every area's IOVA, length and
    /// in-page VA offset must be aligned, else EADDRINUSE.
    func checkAreasAligned(_ ioasID: UInt32, _ s: IOMMUFDState) throws(Errno) {
        let align = alignment(of: ioasID, s)
        guard align > 1, let ioas = s.ioas(ioasID) else { return }
        for area in ioas.areas {
            let offset = area.userVA % pageSize
            guard area.range.first % align == 0, area.range.length % align == 0, offset % align == 0 else { throw .EADDRINUSE }
        }
    }

    /// An `IOMMU_IOAS_UNMAP` step as the older uAPIs report it (`size=` instead of `length=`:
    /// `VFIO_IOMMU_UNMAP_DMA`, `IOASID_UNMAP_DMA`).
    static func reportingSize(_ step: Step) -> Step {
        var step = step
        step.outcome.outputs = step.outcome.outputs.map { $0.name == "length" ? OutputField("size", $0.value) : $0 }
        return step
    }
}
